package dev.turnstile.bench;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;
import org.HdrHistogram.ConcurrentHistogram;

/** Runs N agents against a target for a warm-up and a measured window, recording every claim's latency. */
final class LevelRunner {

    private final ClaimTarget target;
    private final double duplicateRatio;

    LevelRunner(ClaimTarget target, double duplicateRatio) {
        this.target = target;
        this.duplicateRatio = duplicateRatio;
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
        Map<String, AtomicInteger> grants = new ConcurrentHashMap<>();
        long windowNanos;
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
                                grants.computeIfAbsent(sha, k -> new AtomicInteger()).incrementAndGet();
                            }
                            if (measuring.get()) {
                                latencyMicros.recordValue(Math.max(1, micros));
                                claims.increment();
                            }
                        } catch (Exception e) {
                            if (measuring.get()) {
                                errors.increment();
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
                    windowStart = now;
                    measuring.set(true);
                }
                tick.accept(Duration.ofNanos(now - begin).toMillis());
            }
            measuring.set(false);
            windowNanos = System.nanoTime() - windowStart;
            stop.set(true);
        }
        double seconds = windowNanos / 1e9;
        long doubleGrants = grants.values().stream().filter(count -> count.get() > 1).count();
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
                doubleGrants);
    }
}
