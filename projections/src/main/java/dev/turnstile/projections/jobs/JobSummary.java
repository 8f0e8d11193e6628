package dev.turnstile.projections.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.turnstile.contracts.job.JobRef;
import dev.turnstile.contracts.job.JobState;
import java.time.Instant;

/**
 * A job in a list: where it stands and who runs it.
 *
 * @param id {@code <queue>:<jobId>}, how the HTTP API names the job
 * @param queue its queue
 * @param jobId its id within the queue
 * @param name what it is; null for a job whose enqueue the read model never saw
 * @param state where it stands
 * @param priority higher is handed out first
 * @param attempt the current or last attempt, 0 before the first
 * @param maxAttempts attempts before it is dead
 * @param workerId the worker of the current or last attempt
 * @param progress the last progress its worker reported in this attempt, 0–100; null when none
 * @param enqueuedAt when it was enqueued
 * @param updatedAt when it last changed
 * @param runAt when a delayed job, or one waiting out a backoff, becomes waiting
 * @param leaseExpiresAt when the current attempt's lease runs out (active jobs)
 * @param finishedAt when it succeeded, went dead or was cancelled
 * @param dedupKey its dedup key
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobSummary(
        String id,
        String queue,
        String jobId,
        String name,
        JobState state,
        int priority,
        int attempt,
        int maxAttempts,
        String workerId,
        Integer progress,
        Instant enqueuedAt,
        Instant updatedAt,
        Instant runAt,
        Instant leaseExpiresAt,
        Instant finishedAt,
        String dedupKey) {

    /** The job's reference, {@code <queue>:<jobId>}. */
    public JobRef ref() {
        return new JobRef(queue, jobId);
    }
}
