package dev.turnstile.processor.decision;

import dev.turnstile.contracts.claim.ClaimHolder;
import dev.turnstile.contracts.claim.ClaimMode;
import dev.turnstile.contracts.claim.ClaimStatus;
import java.time.Instant;
import java.util.Optional;

/**
 * What the processor remembers about one task key: its current (or last) holder (the claim lifecycle of
 * {@link ClaimHolder}, shared with every reader of the decisions), the last decision's sequence and
 * the last fencing token issued. Answers to earlier requests are kept beside it, one entry per request id (see
 * {@link RememberedAnswer}), so the state stays small however many agents ask. States written before leases
 * existed read as a {@code once} holder with token 1; their list of recent answers is no longer read.
 *
 * @param sequence sequence number of the key's last decision, 0 before the first
 * @param holder the agent last granted the key (its claim may have ended), or null before the first grant
 * @param fencingToken the last fencing token issued for the key, 0 before the first grant; never decreases
 */
public record ClaimState(long sequence, ClaimHolder holder, long fencingToken) {

    public static final ClaimState EMPTY = new ClaimState(0, null, 0);

    public ClaimState {
        if (holder != null) {
            fencingToken = Math.max(fencingToken, holder.fencingToken());
        }
    }

    /** When the processor should check the key for an expired lease: the active lease's expiry, if any. */
    public Optional<Instant> leaseDueAt() {
        return holder != null && holder.status() == ClaimStatus.ACTIVE && holder.mode() == ClaimMode.LEASE
                ? Optional.of(holder.expiresAt())
                : Optional.empty();
    }

    /** This state after a decision on the key, with {@code newHolder} as its holder. */
    ClaimState decided(long newSequence, ClaimHolder newHolder) {
        return new ClaimState(newSequence, newHolder, fencingToken);
    }
}
