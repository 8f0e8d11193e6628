package dev.turnstile.processor.jobs;

import java.util.List;
import java.util.Optional;

/**
 * A read-only view of what the processor stores about queues and jobs: all the decider may consult. The processor
 * implements it over its RocksDB stores, tests over maps. Reads only; the decider never writes through it.
 */
public interface JobStateView {

    /** The queue's summary; {@link QueueSummary#EMPTY} for a queue never seen. */
    QueueSummary queue(String queue);

    /** The job, if the queue holds it (deleted jobs are gone). */
    Optional<JobRecord> job(String queue, String jobId);

    /**
     * The ids of up to {@code limit} waiting jobs of the queue, in the order they are handed out: priority
     * descending, then the order they became waiting.
     */
    List<String> waitingJobIds(String queue, int limit);

    /** The job that holds {@code dedupKey} on the queue (an unfinished one), if any. */
    Optional<String> jobWithDedupKey(String queue, String dedupKey);

    /** The answer last given to {@code requestId} on the queue, if it is still stored. */
    Optional<RememberedJobAnswer> answer(String queue, String requestId);
}
