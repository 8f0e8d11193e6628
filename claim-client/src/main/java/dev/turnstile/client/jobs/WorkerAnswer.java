package dev.turnstile.client.jobs;

import dev.turnstile.contracts.job.JobState;
import java.time.Instant;

/**
 * The coordinator's answer to a worker's report on its job (heartbeat, complete, fail, logs, artifact). A refusal is
 * an answer, not an exception: the worker must then stop working on the job.
 *
 * @param accepted {@code true} when done; {@code false} when refused (409, or 404 for a job the queue does not hold)
 * @param result {@code heartbeat}, {@code succeeded}, {@code failed}, {@code logged}, {@code attached} or {@code refused}
 * @param reason when refused: {@code stale_token} (a later attempt started), {@code not_holder}, {@code lease_expired},
 *     {@code cancelled}, {@code already_completed}, {@code already_failed} or {@code unknown_job}; null when accepted
 * @param message the coordinator's sentence about it
 * @param state the job's state after the report (or, when refused, now), if said
 * @param leaseExpiresAt after a heartbeat: the lease's new expiry; when refused for {@code lease_expired}: when it ran out
 * @param retryAt after a failure with attempts left: when the job is waiting again
 * @param currentFencingToken when refused: the token of the job's current or last attempt, if said
 */
public record WorkerAnswer(
        boolean accepted,
        String result,
        String reason,
        String message,
        JobState state,
        Instant leaseExpiresAt,
        Instant retryAt,
        Long currentFencingToken) {

    /** Refused because an operator cancelled the job. */
    public boolean cancelled() {
        return !accepted && "cancelled".equals(reason);
    }
}
