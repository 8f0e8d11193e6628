package dev.turnstile.contracts.claim;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.time.Instant;
import java.util.Objects;

/** The holder gives its claim back without an outcome: the next claimer wins. */
public record ReleaseRequested(
        @JsonUnwrapped CommandHeader header, String agentId, long fencingToken, Instant requestedAt)
        implements HolderCommand {

    public ReleaseRequested {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(requestedAt, "requestedAt");
    }

    /** A release of the claim {@code fencingToken} on {@code key}, as the gateway writes it. */
    public static ReleaseRequested of(
            TaskKey key, String agentId, long fencingToken, String requestId, Instant requestedAt) {
        return new ReleaseRequested(CommandHeader.of(key, requestId), agentId, fencingToken, requestedAt);
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
