package dev.turnstile.bench;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;
import org.HdrHistogram.ConcurrentHistogram;

/**
 * Runs N agents against a target for a warm-up and a measured window, recording every claim's latency, the CPU the
 * system under test used in the window, and how busy the load generator was.
 */
final class LevelRunner {

    private final ClaimTarget target;
    private final double duplicateRatio;
    private final ProcessStats system;
    private final int loadGeneratorCpus;
    private final ThreadCpu threads;

    /**
     * @param system the system under test's processes, for its CPU time (none when it was not started here)
     * @param loadGeneratorCpus how many CPUs the load generator may use
     * @param threads the main JVM's threads, for its CPU by hop; null when there is none
     */
    LevelRunner(
            ClaimTarget target, double duplicateRatio, ProcessStats system, int loadGeneratorCpus, ThreadCpu threads) {
        this.target = target;
        this.duplicateRatio = duplicateRatio;
        this.system = system;
        this.loadGeneratorCpus = loadGeneratorCpus;
        this.threads = threads;
    }

    /** One level; {@code tick} is called about every 100 ms with the elapsed milliseconds. */
    LevelResult run(int agents, Duration warmup, Duration window, String runId, LongConsumer tick)
            throws InterruptedException {
        var workload = new Workload(duplicateRatio, runId);
        var latencyMicros = new ConcurrentHistogram(Duration.ofMinutes(5).toNanos() / 1000, 3);
        var measuring = new AtomicBoolean();
        var stop = new AtomicBoolean();
        var claims = new LongAdder();
        var errors = new LongAdder();
        var firstError = new AtomicReference<String>();
        // A key's holder as the answers say; an answer naming another agent as granted is a double grant. The holder
        // asking again is told it holds the key (proceed), which is no second grant.
        Map<String, String> holders = new ConcurrentHashMap<>();
        Map<String, Boolean> doubleGranted = new ConcurrentHashMap<>();
        long windowNanos;
        OptionalLong systemCpuBefore = OptionalLong.empty();
        OptionalLong systemCpuAfter;
        long loadCpuBefore = 0;
        long loadCpuAfter;
        Map<String, Double> cpuByThread = Map.of();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < agents; i++) {
                var agent = "bench-agent-" + i;
                executor.submit(() -> {
                    while (!stop.get()) {
                        var sha = workload.nextSha();
                        long start = System.nanoTime();
                        try {
                            boolean granted = target.claim("bench", "deploy", sha, agent);
                            long micros = (System.nanoTime() - start) / 1000;
                            if (granted) {
                                var holder = holders.putIfAbsent(sha, agent);
                                if (holder != null && !holder.equals(agent)) {
                                    doubleGranted.put(sha, true);
                                }
                            }
                            if (measuring.get()) {
                                latencyMicros.recordValue(Math.max(1, micros));
                                claims.increment();
                            }
                        } catch (Exception e) {
                            if (measuring.get()) {
                                errors.increment();
                                firstError.compareAndSet(null, e.toString());
                            }
                        }
                    }
                });
            }
            long begin = System.nanoTime();
            long warmupEnd = begin + warmup.toNanos();
            long end = warmupEnd + window.toNanos();
            long windowStart = 0;
            while (System.nanoTime() < end) {
                Thread.sleep(100);
                long now = System.nanoTime();
                if (windowStart == 0 && now >= warmupEnd) {
                    systemCpuBefore = system.cpuNanos();
                    loadCpuBefore = loadGeneratorCpuNanos();
                    if (threads != null) {
                        threads.mark();
                    }
                    windowStart = now;
                    measuring.set(true);
                }
                tick.accept(Duration.ofNanos(now - begin).toMillis());
            }
            measuring.set(false);
            windowNanos = System.nanoTime() - windowStart;
            systemCpuAfter = system.cpuNanos();
            loadCpuAfter = loadGeneratorCpuNanos();
            if (threads != null) {
                cpuByThread = threads.since(windowNanos);
            }
            stop.set(true);
        }
        long loadCpu = loadCpuAfter - loadCpuBefore;
        double seconds = windowNanos / 1e9;
        Double systemCores = null;
        Double systemMicrosPerClaim = null;
        if (systemCpuBefore.isPresent() && systemCpuAfter.isPresent()) {
            long used = systemCpuAfter.getAsLong() - systemCpuBefore.getAsLong();
            systemCores = used / (double) windowNanos;
            systemMicrosPerClaim = claims.sum() == 0 ? null : used / 1000.0 / claims.sum();
        }
        return new LevelResult(
                target.name(),
                agents,
                claims.sum(),
                errors.sum(),
                seconds,
                claims.sum() / seconds,
                latencyMicros.getValueAtPercentile(50) / 1000.0,
                latencyMicros.getValueAtPercentile(95) / 1000.0,
                latencyMicros.getValueAtPercentile(99) / 1000.0,
                latencyMicros.getMaxValue() / 1000.0,
                workload.distinctKeys(),
                doubleGranted.size(),
                systemCores,
                systemMicrosPerClaim,
                loadCpu / (double) windowNanos / loadGeneratorCpus,
                firstError.get(),
                cpuByThread);
    }

    private static long loadGeneratorCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
