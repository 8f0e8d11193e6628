package dev.turnstile.contracts.claim;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

/** The holder gave its claim back without an outcome (at {@code attemptedAt}): the next claimer wins. */
public record LeaseReleased(@JsonUnwrapped DecisionHeader header, ClaimMode mode, long fencingToken)
        implements HolderAnswer {

    @Override
    public LeaseReleased withHeader(DecisionHeader newHeader) {
        return new LeaseReleased(newHeader, mode, fencingToken);
    }
}
