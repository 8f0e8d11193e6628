package dev.turnstile.contracts.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.time.Instant;

/**
 * An attempt failed: the worker reported it ({@code worker_failed}, the answer to its request), or its lease ran out
 * without a heartbeat ({@code lease_expired}: a stuck job; announced, not an answer). The job is
 * {@code failed_will_retry} until {@code retryAt}, or {@code dead}.
 *
 * @param jobId the job
 * @param workerId the worker of the attempt
 * @param attempt the attempt that failed
 * @param fencingToken the attempt's token
 * @param failure {@code worker_failed} or {@code lease_expired}
 * @param error what went wrong (for a lease: that it ran out)
 * @param retryable whether the failure may be retried (always true for a lease that ran out)
 * @param state {@code failed_will_retry} or {@code dead}
 * @param retryAt when the job is waiting again; absent when dead
 * @param leaseExpiresAt for {@code lease_expired}: when the lease ran out
 */
public record JobFailed(
        @JsonUnwrapped JobEventHeader header,
        String jobId,
        String workerId,
        int attempt,
        long fencingToken,
        FailureKind failure,
        String error,
        boolean retryable,
        JobState state,
        @JsonInclude(JsonInclude.Include.NON_NULL) Instant retryAt,
        @JsonInclude(JsonInclude.Include.NON_NULL) Instant leaseExpiresAt)
        implements FailAnswer {

    @Override
    public JobFailed withHeader(JobEventHeader newHeader) {
        return new JobFailed(
                newHeader,
                jobId,
                workerId,
                attempt,
                fencingToken,
                failure,
                error,
                retryable,
                state,
                retryAt,
                leaseExpiresAt);
    }

    /** Only a failure the worker reported answers its request; a lease running out answers nothing. */
    @Override
    public boolean answersRequest() {
        return failure == FailureKind.WORKER_FAILED;
    }
}
