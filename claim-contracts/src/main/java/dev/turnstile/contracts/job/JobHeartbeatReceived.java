package dev.turnstile.contracts.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.time.Instant;

/**
 * The worker of the job's current attempt heartbeated: the lease runs until {@code leaseExpiresAt}.
 *
 * @param jobId the job
 * @param workerId the worker
 * @param attempt the attempt
 * @param fencingToken the attempt's token
 * @param leaseExpiresAt the lease's new expiry
 * @param progress how far along, 0–100; absent when unknown
 * @param message what the worker is doing; absent for nothing
 */
public record JobHeartbeatReceived(
        @JsonUnwrapped JobEventHeader header,
        String jobId,
        String workerId,
        int attempt,
        long fencingToken,
        Instant leaseExpiresAt,
        @JsonInclude(JsonInclude.Include.NON_NULL) Integer progress,
        @JsonInclude(JsonInclude.Include.NON_NULL) String message)
        implements HeartbeatAnswer {

    @Override
    public JobHeartbeatReceived withHeader(JobEventHeader newHeader) {
        return new JobHeartbeatReceived(
                newHeader, jobId, workerId, attempt, fencingToken, leaseExpiresAt, progress, message);
    }
}
