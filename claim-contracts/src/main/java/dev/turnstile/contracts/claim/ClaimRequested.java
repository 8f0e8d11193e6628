package dev.turnstile.contracts.claim;

import java.time.Instant;
import java.util.Objects;

/**
 * An agent asks to run a task. Written by the gateway after validation.
 *
 * @param schemaVersion version of this record's shape, {@link #SCHEMA_VERSION} when written
 * @param requestId idempotency key chosen by the agent, or by the gateway when the agent sent none
 * @param taskKey {@code project:task:gitSha}
 * @param project the Nx project
 * @param task the target
 * @param gitSha the commit, lower-case hexadecimal
 * @param agentId who asks
 * @param requestedAt when the gateway received the request
 */
public record ClaimRequested(
        int schemaVersion,
        String requestId,
        String taskKey,
        String project,
        String task,
        String gitSha,
        String agentId,
        Instant requestedAt)
        implements ClaimCommand {

    public static final int SCHEMA_VERSION = 1;

    public ClaimRequested {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(taskKey, "taskKey");
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(requestedAt, "requestedAt");
    }

    /** A new request for {@code key}, as the gateway writes it. */
    public static ClaimRequested of(TaskKey key, String agentId, String requestId, Instant requestedAt) {
        return new ClaimRequested(
                SCHEMA_VERSION,
                requestId,
                key.value(),
                key.project(),
                key.task(),
                key.gitSha(),
                agentId,
                requestedAt);
    }

    @Override
    public Instant timestamp() {
        return requestedAt;
    }
}
