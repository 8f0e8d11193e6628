package dev.turnstile.bench;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;
import org.HdrHistogram.ConcurrentHistogram;

/**
 * The queue workload from Java against a {@link QueueTarget}: producers on virtual threads enqueue no-op jobs, then
 * workers claim and complete them until none waits, every request timed.
 */
final class QueueLevelRunner implements QueueLevels {

    private final QueueTarget target;
    private final ProcessStats system;
    private final int loadGeneratorCpus;
    private final ThreadCpu threads;

    /** @param threads the main JVM's threads, for its CPU by what they do; null when there is none */
    QueueLevelRunner(QueueTarget target, ProcessStats system, int loadGeneratorCpus, ThreadCpu threads) {
        this.target = target;
        this.system = system;
        this.loadGeneratorCpus = loadGeneratorCpus;
        this.threads = threads;
    }

    @Override
    public QueueLevelResult run(
            int workers, Duration warmup, Duration window, Duration drainLimit, String queue, LongConsumer tick)
            throws InterruptedException {
        var errors = new LongAdder();
        var firstError = new AtomicReference<String>();
        long begin = System.nanoTime();

        // Enqueue: producers as fast as answers come; the window after the warm-up is measured.
        var enqueueMicros = new ConcurrentHistogram(Duration.ofMinutes(5).toNanos() / 1000, 3);
        var measuring = new AtomicBoolean();
        var stop = new AtomicBoolean();
        var enqueuedInWindow = new LongAdder();
        var nextJob = new AtomicLong();
        long windowNanos;
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < workers; i++) {
                executor.submit(() -> {
                    while (!stop.get()) {
                        var jobId = "job-" + nextJob.getAndIncrement();
                        long start = System.nanoTime();
                        try {
                            target.enqueue(queue, jobId);
                            if (measuring.get()) {
                                enqueueMicros.recordValue(Math.max(1, (System.nanoTime() - start) / 1000));
                                enqueuedInWindow.increment();
                            }
                        } catch (Exception e) {
                            errors.increment();
                            firstError.compareAndSet(null, "enqueue: " + e);
                        }
                    }
                });
            }
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
        long backlog = nextJob.get() - errors.sum();

        // Drain: workers claim and complete until no job waits.
        var claimMicros = new ConcurrentHistogram(Duration.ofMinutes(5).toNanos() / 1000, 3);
        var completeMicros = new ConcurrentHistogram(Duration.ofMinutes(5).toNanos() / 1000, 3);
        var completed = new LongAdder();
        var lastCompletion = new AtomicLong();
        Set<String> claimed = ConcurrentHashMap.newKeySet();
        var doubleClaims = new LongAdder();
        var stopDrain = new AtomicBoolean();
        OptionalLong cpuBefore = system.cpuNanos();
        long loadBefore = loadGeneratorCpuNanos();
        if (threads != null) {
            threads.mark();
        }
        long drainStart = System.nanoTime();
        var remaining = new java.util.concurrent.CountDownLatch(workers);
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < workers; i++) {
                var workerId = "bench-worker-" + i;
                executor.submit(() -> {
                    try {
                        while (!stopDrain.get()) {
                            long start = System.nanoTime();
                            QueueTarget.Claimed job;
                            try {
                                job = target.claimNext(queue, workerId);
                            } catch (Exception e) {
                                errors.increment();
                                firstError.compareAndSet(null, "claim-next: " + e);
                                continue;
                            }
                            if (job == null) {
                                return;
                            }
                            long claimedAt = System.nanoTime();
                            claimMicros.recordValue(Math.max(1, (claimedAt - start) / 1000));
                            if (!claimed.add(job.jobId())) {
                                doubleClaims.increment();
                            }
                            try {
                                target.complete(job);
                                long done = System.nanoTime();
                                completeMicros.recordValue(Math.max(1, (done - claimedAt) / 1000));
                                completed.increment();
                                lastCompletion.accumulateAndGet(done, Math::max);
                            } catch (Exception e) {
                                errors.increment();
                                firstError.compareAndSet(null, "complete: " + e);
                            }
                        }
                    } finally {
                        remaining.countDown();
                    }
                });
            }
            long limit = drainStart + drainLimit.toNanos();
            while (remaining.getCount() > 0 && System.nanoTime() < limit) {
                remaining.await(100, java.util.concurrent.TimeUnit.MILLISECONDS);
                tick.accept(Duration.ofNanos(System.nanoTime() - begin).toMillis());
            }
            stopDrain.set(true);
        }
        long drainEnd = lastCompletion.get() == 0 ? System.nanoTime() : lastCompletion.get();
        long drainNanos = Math.max(1, drainEnd - drainStart);
        OptionalLong cpuAfter = system.cpuNanos();
        long loadUsed = loadGeneratorCpuNanos() - loadBefore;
        var cpuByThread = threads == null ? java.util.Map.<String, Double>of() : threads.since(drainNanos);
        Double cores = null;
        Double perJob = null;
        if (cpuBefore.isPresent() && cpuAfter.isPresent()) {
            long used = cpuAfter.getAsLong() - cpuBefore.getAsLong();
            cores = used / (double) drainNanos;
            perJob = completed.sum() == 0 ? null : used / 1000.0 / completed.sum();
        }
        return new QueueLevelResult(
                target.name(),
                workers,
                enqueuedInWindow.sum(),
                enqueuedInWindow.sum() / (windowNanos / 1e9),
                enqueueMicros.getValueAtPercentile(50) / 1000.0,
                enqueueMicros.getValueAtPercentile(99) / 1000.0,
                backlog,
                completed.sum(),
                drainNanos / 1e9,
                completed.sum() / (drainNanos / 1e9),
                claimMicros.getValueAtPercentile(50) / 1000.0,
                claimMicros.getValueAtPercentile(95) / 1000.0,
                claimMicros.getValueAtPercentile(99) / 1000.0,
                completeMicros.getValueAtPercentile(50) / 1000.0,
                completed.sum() >= backlog,
                errors.sum(),
                doubleClaims.sum(),
                cores,
                perJob,
                loadUsed / (double) drainNanos / loadGeneratorCpus,
                firstError.get(),
                cpuByThread);
    }

    private static long loadGeneratorCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    @Override
    public void close() {
        target.close();
    }
}
