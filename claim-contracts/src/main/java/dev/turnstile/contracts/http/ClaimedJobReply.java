package dev.turnstile.contracts.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import tools.jackson.databind.JsonNode;

/**
 * A job handed to a worker by {@code POST /api/queues/{queue}/claim-next} (200; 204 when none came).
 *
 * @param id {@code <queue>:<jobId>}: how the worker names the job in its heartbeats and reports
 * @param fencingToken the attempt's token: present it with every report, and to anything the job writes to
 * @param leaseExpiresAt the lease runs out then unless the worker heartbeats (every third of the lease, say)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClaimedJobReply(
        String message,
        String id,
        String queue,
        String jobId,
        String name,
        JsonNode payload,
        int attempt,
        int maxAttempts,
        long fencingToken,
        int leaseSeconds,
        Instant leaseExpiresAt,
        int priority,
        String workerId,
        String requestId,
        String eventId,
        boolean redelivery) {}
