package dev.turnstile.bench;

/**
 * One way of running a work queue from Java, as workers and producers use it: enqueue a job, claim the next one,
 * report it done. Thread-safe.
 */
interface QueueTarget extends AutoCloseable {

    /** A job handed to a worker, with what proves it holds it. */
    record Claimed(String queue, String jobId, String workerId, long fencingToken) {}

    /** Short name in reports. */
    String name();

    /** Adds a no-op job; throws on anything but "added". */
    void enqueue(String queue, String jobId) throws Exception;

    /** The next waiting job for {@code workerId}, or null when none waits (no wait). */
    Claimed claimNext(String queue, String workerId) throws Exception;

    /** Reports the job done; throws when it is not recorded. */
    void complete(Claimed job) throws Exception;

    @Override
    void close();
}
