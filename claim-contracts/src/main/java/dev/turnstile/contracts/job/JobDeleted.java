package dev.turnstile.contracts.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * An operator deleted the job from the queue; its job id may be used again.
 *
 * @param jobId the job
 * @param previousState where it stood
 * @param requestedBy who asked; absent when unknown
 */
public record JobDeleted(
        @JsonUnwrapped JobEventHeader header,
        String jobId,
        JobState previousState,
        @JsonInclude(JsonInclude.Include.NON_NULL) String requestedBy)
        implements DeleteAnswer {

    @Override
    public JobDeleted withHeader(JobEventHeader newHeader) {
        return new JobDeleted(newHeader, jobId, previousState, requestedBy);
    }
}
