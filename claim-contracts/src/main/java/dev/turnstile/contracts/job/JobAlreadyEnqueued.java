package dev.turnstile.contracts.job;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * An enqueue was answered with a job already in the queue: one with the same job id, or an unfinished one with the
 * same dedup key. Nothing changed.
 *
 * @param jobId the existing job
 * @param requestedJobId the job id the enqueue asked for
 * @param matchedBy {@code job_id} or {@code dedup_key}
 * @param state where the existing job stands
 */
public record JobAlreadyEnqueued(
        @JsonUnwrapped JobEventHeader header, String jobId, String requestedJobId, DedupMatch matchedBy, JobState state)
        implements EnqueueAnswer {

    @Override
    public JobAlreadyEnqueued withHeader(JobEventHeader newHeader) {
        return new JobAlreadyEnqueued(newHeader, jobId, requestedJobId, matchedBy, state);
    }
}
