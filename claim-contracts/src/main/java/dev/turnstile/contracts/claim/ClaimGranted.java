package dev.turnstile.contracts.claim;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.time.Instant;

/**
 * The agent is granted the task key: it proceeds. Grants written before leases existed have no {@code mode} and
 * no {@code fencingToken}: they are {@code once} grants with token 1 (the key's only grant).
 *
 * @param mode {@code once} or {@code lease}
 * @param fencingToken the grant's token: 1 for a key's first grant, one more for each later grant
 * @param expiresAt a lease's expiry (until renewed); null for {@code once}
 * @param ttlSeconds a lease's time to live; null for {@code once}
 * @param takeoverAfterFailure whether another agent may take over if this holder reports failure
 */
public record ClaimGranted(
        @JsonUnwrapped DecisionHeader header,
        ClaimMode mode,
        long fencingToken,
        @JsonInclude(JsonInclude.Include.NON_NULL) Instant expiresAt,
        @JsonInclude(JsonInclude.Include.NON_NULL) Integer ttlSeconds,
        boolean takeoverAfterFailure)
        implements ClaimAnswer {

    public ClaimGranted {
        mode = mode == null ? ClaimMode.ONCE : mode;
        fencingToken = fencingToken == 0 ? 1 : fencingToken;
    }

    @Override
    public boolean wasGranted() {
        return true;
    }

    @Override
    public ClaimGranted withHeader(DecisionHeader newHeader) {
        return new ClaimGranted(newHeader, mode, fencingToken, expiresAt, ttlSeconds, takeoverAfterFailure);
    }
}
