package dev.turnstile.contracts.claim;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.time.Instant;

/**
 * Another agent holds the task key, or held it and finished: this agent skips. Losing the race is an outcome, not
 * an error.
 *
 * @param heldBy the agent that holds (or held) the claim
 * @param heldSince when the holder's claim was granted
 * @param mode the holder's claim mode
 * @param fencingToken the holder's fencing token
 * @param expiresAt when the holder's lease runs out unless renewed; null for {@code once} or a finished claim
 * @param outcome what the holder reported, when it has finished; null while it runs
 */
public record ClaimDenied(
        @JsonUnwrapped DecisionHeader header,
        String heldBy,
        Instant heldSince,
        ClaimMode mode,
        long fencingToken,
        @JsonInclude(JsonInclude.Include.NON_NULL) Instant expiresAt,
        @JsonInclude(JsonInclude.Include.NON_NULL) ClaimOutcome outcome)
        implements ClaimAnswer {

    public ClaimDenied {
        mode = mode == null ? ClaimMode.ONCE : mode;
        fencingToken = fencingToken == 0 ? 1 : fencingToken;
    }

    @Override
    public ClaimDenied withHeader(DecisionHeader newHeader) {
        return new ClaimDenied(newHeader, heldBy, heldSince, mode, fencingToken, expiresAt, outcome);
    }
}
