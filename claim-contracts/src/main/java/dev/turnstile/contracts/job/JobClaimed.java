package dev.turnstile.contracts.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.time.Instant;
import tools.jackson.databind.JsonNode;

/**
 * A worker was handed a job: attempt {@code attempt}, fenced by {@code fencingToken}, leased until
 * {@code leaseExpiresAt} unless it heartbeats. The header's request id is the claim-next it answers (a parked one
 * too, when the job became available later).
 *
 * @param jobId the job
 * @param workerId the worker now running it
 * @param attempt which attempt this is, from 1 (a retry by an operator starts again at 1)
 * @param fencingToken the attempt's token: the queue's next, strictly increasing, never reused
 * @param leaseSeconds how long the lease runs after each heartbeat
 * @param leaseExpiresAt when the lease runs out without a heartbeat
 * @param name what the job is
 * @param payload what the worker needs; absent for none
 * @param priority the job's priority
 * @param maxAttempts attempts before the job is dead
 */
public record JobClaimed(
        @JsonUnwrapped JobEventHeader header,
        String jobId,
        String workerId,
        int attempt,
        long fencingToken,
        int leaseSeconds,
        Instant leaseExpiresAt,
        String name,
        @JsonInclude(JsonInclude.Include.NON_NULL) JsonNode payload,
        int priority,
        int maxAttempts)
        implements ClaimNextAnswer {

    @Override
    public JobClaimed withHeader(JobEventHeader newHeader) {
        return new JobClaimed(
                newHeader,
                jobId,
                workerId,
                attempt,
                fencingToken,
                leaseSeconds,
                leaseExpiresAt,
                name,
                payload,
                priority,
                maxAttempts);
    }
}
