package dev.turnstile.contracts.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import tools.jackson.databind.JsonNode;

/**
 * The worker of the job's current attempt reported success: the job is succeeded.
 *
 * @param jobId the job
 * @param workerId the worker
 * @param attempt the attempt
 * @param fencingToken the attempt's token
 * @param result what the job produced; absent for nothing
 */
public record JobSucceeded(
        @JsonUnwrapped JobEventHeader header,
        String jobId,
        String workerId,
        int attempt,
        long fencingToken,
        @JsonInclude(JsonInclude.Include.NON_NULL) JsonNode result)
        implements CompleteAnswer {

    @Override
    public JobSucceeded withHeader(JobEventHeader newHeader) {
        return new JobSucceeded(newHeader, jobId, workerId, attempt, fencingToken, result);
    }
}
