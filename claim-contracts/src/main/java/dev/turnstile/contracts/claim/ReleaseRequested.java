package dev.turnstile.contracts.claim;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;
import java.util.Objects;

/** The holder gives its claim back before reporting an outcome: the next claimer wins. */
public record ReleaseRequested(
        int schemaVersion,
        String requestId,
        String taskKey,
        String project,
        String task,
        String gitSha,
        String agentId,
        long fencingToken,
        Instant requestedAt)
        implements HolderCommand {

    public static final int SCHEMA_VERSION = 1;

    public ReleaseRequested {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(taskKey, "taskKey");
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(requestedAt, "requestedAt");
    }

    /** A release of the claim {@code fencingToken} on {@code key}, as the gateway writes it. */
    public static ReleaseRequested of(
            TaskKey key, String agentId, long fencingToken, String requestId, Instant requestedAt) {
        return new ReleaseRequested(
                SCHEMA_VERSION,
                requestId,
                key.value(),
                key.project(),
                key.task(),
                key.gitSha(),
                agentId,
                fencingToken,
                requestedAt);
    }

    @Override
    public Instant timestamp() {
        return requestedAt;
    }

    @Override
    public String fingerprint() {
        return "release token=" + fencingToken + " by " + agentId;
    }

    @Override
    @JsonIgnore
    public HolderRequest request() {
        return HolderRequest.RELEASE;
    }
}
