package dev.turnstile.contracts.claim;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.time.Instant;

/**
 * A renew, release or completion was refused: the agent does not hold the key with the token it presented (or the
 * claim already ended). Or any request, a claim included, reused the id of a different request on the key. Nothing
 * changed.
 *
 * @param refused what was asked: {@code claim} (only for a reused request id), {@code renew}, {@code release} or
 *     {@code complete}
 * @param reason why, machine-readable: {@code stale_token}, {@code not_holder}, {@code no_active_claim}, …
 * @param mode the mode of the key's current (or last) claim; {@code once} when there was none (for a claim: the
 *     mode it asked for)
 * @param fencingToken the token the agent presented (for a claim: the key's current token, at least 1)
 * @param currentFencingToken the token of the key's current (or last) holder; null when there was none
 * @param heldBy the key's current (or last) holder; null when there was none
 * @param expiresAt for {@code lease_expired}: when the lease ran out
 */
public record RequestRefused(
        @JsonUnwrapped DecisionHeader header,
        HolderRequest refused,
        RefusalReason reason,
        ClaimMode mode,
        long fencingToken,
        @JsonInclude(JsonInclude.Include.NON_NULL) Long currentFencingToken,
        @JsonInclude(JsonInclude.Include.NON_NULL) String heldBy,
        @JsonInclude(JsonInclude.Include.NON_NULL) Instant expiresAt)
        implements ClaimAnswer, HolderAnswer {

    @Override
    public RequestRefused withHeader(DecisionHeader newHeader) {
        return new RequestRefused(
                newHeader, refused, reason, mode, fencingToken, currentFencingToken, heldBy, expiresAt);
    }
}
