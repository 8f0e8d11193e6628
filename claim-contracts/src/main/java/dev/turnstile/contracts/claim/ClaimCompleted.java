package dev.turnstile.contracts.claim;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.util.Objects;

/** The holder reported its task's outcome (at {@code attemptedAt}); the claim has ended. */
public record ClaimCompleted(
        @JsonUnwrapped DecisionHeader header, ClaimMode mode, long fencingToken, ClaimOutcome outcome)
        implements HolderAnswer {

    public ClaimCompleted {
        // The outcome is what a completion says: a record without one is not a completion.
        Objects.requireNonNull(outcome, "outcome");
    }

    @Override
    public ClaimCompleted withHeader(DecisionHeader newHeader) {
        return new ClaimCompleted(newHeader, mode, fencingToken, outcome);
    }
}
