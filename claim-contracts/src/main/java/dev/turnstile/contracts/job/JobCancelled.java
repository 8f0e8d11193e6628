package dev.turnstile.contracts.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * An operator cancelled the job. If it was active, {@code workerId} and {@code fencingToken} name the attempt that
 * must stop: its next heartbeat is refused with {@code cancelled}.
 *
 * @param jobId the job
 * @param previousState where it stood
 * @param workerId the worker of the stopped attempt; absent unless the job was active
 * @param fencingToken the stopped attempt's token; absent unless the job was active
 * @param requestedBy who asked; absent when unknown
 */
public record JobCancelled(
        @JsonUnwrapped JobEventHeader header,
        String jobId,
        JobState previousState,
        @JsonInclude(JsonInclude.Include.NON_NULL) String workerId,
        @JsonInclude(JsonInclude.Include.NON_NULL) Long fencingToken,
        @JsonInclude(JsonInclude.Include.NON_NULL) String requestedBy)
        implements CancelAnswer {

    @Override
    public JobCancelled withHeader(JobEventHeader newHeader) {
        return new JobCancelled(newHeader, jobId, previousState, workerId, fencingToken, requestedBy);
    }
}
