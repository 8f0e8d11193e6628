package dev.turnstile.contracts.claim;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

/** The holder reported its task's outcome (at {@code attemptedAt}); the claim has ended. */
public record ClaimCompleted(
        @JsonUnwrapped DecisionHeader header, ClaimMode mode, long fencingToken, ClaimOutcome outcome)
        implements HolderAnswer {

    @Override
    public ClaimCompleted withHeader(DecisionHeader newHeader) {
        return new ClaimCompleted(newHeader, mode, fencingToken, outcome);
    }
}
