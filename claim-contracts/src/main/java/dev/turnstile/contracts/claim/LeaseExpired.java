package dev.turnstile.contracts.claim;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.time.Instant;

/**
 * A lease ran out unrenewed: its holder ({@code agentId}) lost the key and the next claimer wins. Decided when a
 * command whose timestamp is at or after {@code expiresAt} reaches the key: a claim by another agent, a request
 * of the old holder, or the processor's {@link ExpireDue} check. {@code requestId} and {@code attemptedAt} are that
 * command's. Not an answer to any request; never a redelivery.
 *
 * @param expiresAt when the lease ran out
 * @param heldSince when the lease was granted
 */
public record LeaseExpired(
        @JsonUnwrapped DecisionHeader header, ClaimMode mode, long fencingToken, Instant expiresAt, Instant heldSince)
        implements ClaimEvent {

    @Override
    public LeaseExpired withHeader(DecisionHeader newHeader) {
        return new LeaseExpired(newHeader, mode, fencingToken, expiresAt, heldSince);
    }

    @Override
    public boolean answersRequest() {
        return false;
    }
}
