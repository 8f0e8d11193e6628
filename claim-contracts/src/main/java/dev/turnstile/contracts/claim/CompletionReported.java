package dev.turnstile.contracts.claim;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;
import java.util.Objects;

/** The holder reports how its task ended; agents waiting for the winner learn it. */
public record CompletionReported(
        int schemaVersion,
        String requestId,
        String taskKey,
        String project,
        String task,
        String gitSha,
        String agentId,
        long fencingToken,
        ClaimOutcome outcome,
        Instant requestedAt)
        implements HolderCommand {

    public static final int SCHEMA_VERSION = 1;

    public CompletionReported {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(taskKey, "taskKey");
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(requestedAt, "requestedAt");
    }

    /** A completion of the claim {@code fencingToken} on {@code key}, as the gateway writes it. */
    public static CompletionReported of(
            TaskKey key,
            String agentId,
            long fencingToken,
            ClaimOutcome outcome,
            String requestId,
            Instant requestedAt) {
        return new CompletionReported(
                SCHEMA_VERSION,
                requestId,
                key.value(),
                key.project(),
                key.task(),
                key.gitSha(),
                agentId,
                fencingToken,
                outcome,
                requestedAt);
    }

    @Override
    public Instant timestamp() {
        return requestedAt;
    }

    @Override
    public String fingerprint() {
        return "complete token=" + fencingToken + " outcome=" + outcome.wireName() + " by " + agentId;
    }

    @Override
    @JsonIgnore
    public HolderRequest request() {
        return HolderRequest.COMPLETE;
    }
}
