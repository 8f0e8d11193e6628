package dev.turnstile.projections.jobs;

import dev.turnstile.contracts.job.JobEventType;

/** What subscribers of the job read model hear about: an event applied, or a queue's finished jobs cleaned out. */
public sealed interface JobChange {

    /** The queue that changed. */
    String queue();

    /**
     * An event of {@code job-events} was applied (never a repeated one; never a claim-next parking or its empty
     * answer, which would drown the rest).
     *
     * @param sequence its position in the queue's log, also the number in its {@code eventId}
     * @param eventId {@code <queue>#<sequence>}
     * @param type its type
     * @param jobId the job it is about; null for a queue event
     * @param json the event as on the topic, without its {@code payload} and {@code result} (read those from the job)
     */
    record EventApplied(String queue, long sequence, String eventId, JobEventType type, String jobId, String json)
            implements JobChange {}

    /**
     * Finished jobs were dropped from the read model ({@link JobQueries#clean}); no event of the topic says so.
     *
     * @param removed how many
     */
    record Cleaned(String queue, long removed) implements JobChange {}
}
