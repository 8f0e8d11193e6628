package dev.turnstile.contracts.claim;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.time.Instant;
import java.util.Objects;

/**
 * The holder of a lease asks to extend it (a heartbeat): the lease then runs until {@code requestedAt + ttl}.
 *
 * @param ttlSeconds the new time to live; null keeps the lease's own TTL
 */
public record LeaseRenewRequested(
        @JsonUnwrapped CommandHeader header,
        String agentId,
        long fencingToken,
        @JsonInclude(JsonInclude.Include.NON_NULL) Integer ttlSeconds,
        Instant requestedAt)
        implements HolderCommand {

    public LeaseRenewRequested {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(requestedAt, "requestedAt");
    }

    /** A renewal of the lease {@code fencingToken} on {@code key}, as the gateway writes it. */
    public static LeaseRenewRequested of(
            TaskKey key, String agentId, long fencingToken, Integer ttlSeconds, String requestId, Instant requestedAt) {
        return new LeaseRenewRequested(
                CommandHeader.of(key, requestId), agentId, fencingToken, ttlSeconds, requestedAt);
    }

    @Override
    public Instant timestamp() {
        return requestedAt;
    }

    @Override
    public String fingerprint() {
        return "renew token=" + fencingToken + (ttlSeconds == null ? "" : " ttl=" + ttlSeconds) + " by " + agentId;
    }

    @Override
    @JsonIgnore
    public HolderRequest request() {
        return HolderRequest.RENEW;
    }
}
