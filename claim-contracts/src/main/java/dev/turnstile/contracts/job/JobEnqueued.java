package dev.turnstile.contracts.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.time.Instant;
import tools.jackson.databind.JsonNode;

/**
 * A job was added to the queue: delayed until {@code runAt}, or waiting at once.
 *
 * @param jobId the job
 * @param name what the job is
 * @param payload what the worker needs; absent for none
 * @param priority higher is handed out first
 * @param runAt when it may first run: the enqueue's {@code runAt}, else its time plus {@code delaySeconds}
 * @param maxAttempts attempts before the job is dead
 * @param backoff the wait after a failed attempt
 * @param leaseSeconds how long an attempt holds the job without a heartbeat
 * @param dedupKey the job's dedup key; absent for none
 * @param state {@code delayed} or {@code waiting}
 */
public record JobEnqueued(
        @JsonUnwrapped JobEventHeader header,
        String jobId,
        String name,
        @JsonInclude(JsonInclude.Include.NON_NULL) JsonNode payload,
        int priority,
        Instant runAt,
        int maxAttempts,
        Backoff backoff,
        int leaseSeconds,
        @JsonInclude(JsonInclude.Include.NON_NULL) String dedupKey,
        JobState state)
        implements EnqueueAnswer {

    @Override
    public JobEnqueued withHeader(JobEventHeader newHeader) {
        return new JobEnqueued(
                newHeader, jobId, name, payload, priority, runAt, maxAttempts, backoff, leaseSeconds, dedupKey, state);
    }
}
