package dev.turnstile.contracts.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.turnstile.contracts.job.Backoff;
import tools.jackson.databind.JsonNode;

/**
 * The body of {@code POST /api/queues/{queue}/jobs}. Unknown fields are refused (400).
 *
 * @param jobId optional: the gateway makes one
 * @param payload any JSON, at most 64 KiB
 * @param runAt or {@code delaySeconds}: not before then (ISO-8601)
 * @param dedupKey an unfinished job with the same key answers instead of a new one
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EnqueueBody(
        String jobId,
        String name,
        JsonNode payload,
        Integer priority,
        String runAt,
        Long delaySeconds,
        Integer maxAttempts,
        Backoff backoff,
        Long leaseSeconds,
        String dedupKey,
        String requestId) {}
