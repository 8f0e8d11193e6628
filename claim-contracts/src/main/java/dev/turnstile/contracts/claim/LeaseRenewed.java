package dev.turnstile.contracts.claim;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.time.Instant;

/**
 * The holder renewed its lease (a heartbeat): it now runs until {@code expiresAt}.
 *
 * @param expiresAt the lease's new expiry: the renewal's time plus {@code ttlSeconds}
 * @param ttlSeconds the time to live the renewal applied
 */
public record LeaseRenewed(
        @JsonUnwrapped DecisionHeader header, ClaimMode mode, long fencingToken, Instant expiresAt, int ttlSeconds)
        implements HolderAnswer {

    @Override
    public LeaseRenewed withHeader(DecisionHeader newHeader) {
        return new LeaseRenewed(newHeader, mode, fencingToken, expiresAt, ttlSeconds);
    }
}
