package dev.turnstile.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Samples a system under test's memory over its whole run (warm-up and levels): the resident set of its main process
 * (Turnstile's all-in-one, the PostgreSQL service's JVM) and the proportional set size of all its processes (with
 * its database, whose backends share memory and so are not summed by RSS).
 */
final class MemorySampler implements AutoCloseable {

    /**
     * One sample.
     *
     * @param seconds since the system was started
     * @param rssBytes resident set of the main process, or null when it has none
     * @param pssBytes proportional set size of all the system's processes, or null when unreadable
     */
    record Sample(double seconds, Long rssBytes, Long pssBytes) {}

    private final List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
    private final ScheduledExecutorService timer;
    private final long startNanos = System.nanoTime();

    /**
     * @param mainPid the main process, or -1 when the system has none (a database alone)
     * @param processes all the system's processes
     */
    MemorySampler(long mainPid, ProcessStats processes, Duration every) {
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            var thread = new Thread(runnable, "memory-sampler");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleAtFixedRate(
                () -> {
                    var rss = mainPid < 0 ? null : boxed(ProcessStats.rssBytes(mainPid));
                    var pss = boxed(processes.pssBytes());
                    if (rss != null || pss != null) {
                        samples.add(new Sample((System.nanoTime() - startNanos) / 1e9, rss, pss));
                    }
                },
                0,
                every.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** The samples so far. */
    List<Sample> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    private static Long boxed(java.util.OptionalLong value) {
        return value.isPresent() ? value.getAsLong() : null;
    }
}
