package dev.turnstile.contracts.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.turnstile.contracts.job.Backoff;
import dev.turnstile.contracts.job.JobState;
import java.time.Instant;
import tools.jackson.databind.JsonNode;

/**
 * The answer to {@code POST /api/queues/{queue}/jobs}.
 *
 * @param created true when this request added the job (201); false when it was answered with a job already in the
 *     queue (200), one with the same job id or an unfinished one with the same dedup key
 * @param id {@code <queue>:<jobId>}: how the other endpoints name the job
 * @param matchedBy for an existing job: {@code job_id} or {@code dedup_key}
 * @param requestedJobId for an existing job: the job id this request asked for
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EnqueueReply(
        boolean created,
        String message,
        String id,
        String queue,
        String jobId,
        JobState state,
        String name,
        JsonNode payload,
        Integer priority,
        Instant runAt,
        Integer maxAttempts,
        Backoff backoff,
        Integer leaseSeconds,
        String dedupKey,
        String matchedBy,
        String requestedJobId,
        String requestId,
        String eventId,
        boolean redelivery) {}
