package dev.turnstile.contracts.claim;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.time.Instant;
import java.util.Objects;

/** The holder reports how its task ended; agents waiting for the winner learn it. */
public record CompletionReported(
        @JsonUnwrapped CommandHeader header,
        String agentId,
        long fencingToken,
        ClaimOutcome outcome,
        Instant requestedAt)
        implements HolderCommand {

    public CompletionReported {
        Objects.requireNonNull(header, "header");
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
        return new CompletionReported(CommandHeader.of(key, requestId), agentId, fencingToken, outcome, requestedAt);
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
