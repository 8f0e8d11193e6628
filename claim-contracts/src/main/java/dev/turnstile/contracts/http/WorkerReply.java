package dev.turnstile.contracts.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.turnstile.contracts.job.JobState;
import java.time.Instant;

/**
 * The answer to a worker's report on its job: {@code POST /api/jobs/{jobId}/heartbeat}, {@code …/complete},
 * {@code …/fail}, {@code …/logs} and {@code …/artifacts}.
 *
 * @param accepted true when done; false when refused (409, or 404 for a job the queue does not hold)
 * @param result {@code heartbeat}, {@code succeeded}, {@code failed}, {@code logged}, {@code attached} or
 *     {@code refused}
 * @param reason when refused: {@code stale_token}, {@code not_holder}, {@code lease_expired}, {@code cancelled},
 *     {@code already_completed}, {@code already_failed} or {@code unknown_job}; stop working on the job
 * @param state the job's state after the report (or, when refused, now)
 * @param currentFencingToken when refused: the token of the job's current or last attempt
 * @param retryAt after a failure with attempts left: when the job is waiting again
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WorkerReply(
        boolean accepted,
        String result,
        String reason,
        String message,
        String id,
        String queue,
        String jobId,
        String workerId,
        Integer attempt,
        Long fencingToken,
        Long currentFencingToken,
        JobState state,
        Instant leaseExpiresAt,
        Instant retryAt,
        Integer progress,
        String requestId,
        String eventId,
        boolean redelivery) {}
