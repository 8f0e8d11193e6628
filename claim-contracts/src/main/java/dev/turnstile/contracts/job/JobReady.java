package dev.turnstile.contracts.job;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * A delayed job's time came, or a failed attempt's backoff ended: the job is waiting. Caused by a timer command (the
 * header's request id names it), not an answer.
 *
 * @param jobId the job
 * @param previousState {@code delayed} or {@code failed_will_retry}
 */
public record JobReady(@JsonUnwrapped JobEventHeader header, String jobId, JobState previousState) implements JobEvent {

    @Override
    public JobReady withHeader(JobEventHeader newHeader) {
        return new JobReady(newHeader, jobId, previousState);
    }
}
