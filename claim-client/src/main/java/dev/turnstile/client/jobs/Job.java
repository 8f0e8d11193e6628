package dev.turnstile.client.jobs;

import java.time.Instant;
import tools.jackson.databind.JsonNode;

/**
 * A job handed to this worker by claim-next: one attempt of it, held under a lease that the worker renews with
 * heartbeats, proving it holds the attempt with its fencing token.
 *
 * @param id {@code <queue>:<jobId>}, how the endpoints name the job
 * @param name what the job does
 * @param payload the job's input as JSON ({@code null} JSON when it has none)
 * @param attempt this attempt's number, 1 for the first
 * @param maxAttempts attempts in all
 * @param fencingToken the attempt's token: present it with every report, and to anything the job writes to, so that a
 *     stale attempt can be refused
 * @param leaseSeconds the lease's length; heartbeat every third of it
 * @param leaseExpiresAt when the lease runs out unless renewed (coordinator time)
 * @param workerId the worker the job was handed to
 * @param requestId the claim-next request that got it
 */
public record Job(
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
        String requestId) {

    /** The payload read as {@code type} (a record or class Jackson can bind). */
    public <T> T payloadAs(Class<T> type) {
        return JobClient.JSON.treeToValue(payload, type);
    }

    /** Whether this is the last allowed attempt: a retryable failure makes the job dead. */
    public boolean lastAttempt() {
        return attempt >= maxAttempts;
    }
}
