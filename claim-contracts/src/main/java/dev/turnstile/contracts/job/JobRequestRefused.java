package dev.turnstile.contracts.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.time.Instant;

/**
 * A request was refused, and why; nothing changed. A worker refused with {@code stale_token}, {@code not_holder},
 * {@code lease_expired}, {@code cancelled}, {@code already_completed} or {@code already_failed} must stop working on
 * the job.
 *
 * @param refused what was asked
 * @param reason why it was refused
 * @param jobId the job asked about; absent for queue requests
 * @param workerId the worker that asked; absent for other requests
 * @param fencingToken the token presented; absent unless a worker asked
 * @param currentFencingToken the token of the job's current or last attempt; absent when it had none
 * @param state where the job stands; absent when there is no such job, or for queue requests
 * @param leaseExpiresAt for {@code lease_expired}: when the lease ran out
 */
public record JobRequestRefused(
        @JsonUnwrapped JobEventHeader header,
        JobRequestKind refused,
        JobRefusalReason reason,
        @JsonInclude(JsonInclude.Include.NON_NULL) String jobId,
        @JsonInclude(JsonInclude.Include.NON_NULL) String workerId,
        @JsonInclude(JsonInclude.Include.NON_NULL) Long fencingToken,
        @JsonInclude(JsonInclude.Include.NON_NULL) Long currentFencingToken,
        @JsonInclude(JsonInclude.Include.NON_NULL) JobState state,
        @JsonInclude(JsonInclude.Include.NON_NULL) Instant leaseExpiresAt)
        implements EnqueueAnswer,
                ClaimNextAnswer,
                HeartbeatAnswer,
                CompleteAnswer,
                FailAnswer,
                LogsAnswer,
                ArtifactAnswer,
                CancelAnswer,
                RetryAnswer,
                DeleteAnswer,
                PauseAnswer,
                ResumeAnswer,
                ConfigureAnswer {

    @Override
    public JobRequestRefused withHeader(JobEventHeader newHeader) {
        return new JobRequestRefused(
                newHeader, refused, reason, jobId, workerId, fencingToken, currentFencingToken, state, leaseExpiresAt);
    }
}
