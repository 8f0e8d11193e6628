package dev.turnstile.contracts.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * An operator retried a dead job (or one waiting out its backoff): it is waiting, with a fresh round of attempts.
 *
 * @param jobId the job
 * @param previousState {@code dead} or {@code failed_will_retry}
 * @param requestedBy who asked; absent when unknown
 */
public record JobRetried(
        @JsonUnwrapped JobEventHeader header,
        String jobId,
        JobState previousState,
        @JsonInclude(JsonInclude.Include.NON_NULL) String requestedBy)
        implements RetryAnswer {

    @Override
    public JobRetried withHeader(JobEventHeader newHeader) {
        return new JobRetried(newHeader, jobId, previousState, requestedBy);
    }
}
