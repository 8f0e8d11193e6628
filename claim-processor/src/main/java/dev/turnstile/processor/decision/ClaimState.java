package dev.turnstile.processor.decision;

import dev.turnstile.contracts.claim.ClaimMode;
import dev.turnstile.contracts.claim.ClaimRequested;
import java.time.Instant;
import java.util.Optional;

/**
 * What the processor remembers about one task key: its current (or last) holder, the last decision's sequence and
 * the last fencing token issued. Answers to earlier requests are kept beside it, one entry per request id (see
 * {@link RememberedAnswer}), so the state stays small however many agents ask. States written before leases
 * existed read as a {@code once} holder with token 1; their list of recent answers is no longer read.
 *
 * @param sequence sequence number of the key's last decision, 0 before the first
 * @param holder the agent last granted the key (its claim may have ended), or null before the first grant
 * @param fencingToken the last fencing token issued for the key, 0 before the first grant; never decreases
 */
public record ClaimState(long sequence, Holder holder, long fencingToken) {

    public static final ClaimState EMPTY = new ClaimState(0, null, 0);

    public ClaimState {
        if (holder != null) {
            fencingToken = Math.max(fencingToken, holder.fencingToken());
        }
    }

    /** Where the holder's claim stands. */
    public enum Status {
        /** Granted and not ended (a lease may be past its expiry until a command reveals it). */
        ACTIVE,
        SUCCEEDED,
        FAILED,
        RELEASED,
        EXPIRED
    }

    /**
     * The agent last granted the key.
     *
     * @param agentId who holds it
     * @param requestId the request that was granted
     * @param since when the grant was made (the command's timestamp)
     * @param sequence the grant's sequence number
     * @param mode once or lease
     * @param fencingToken the grant's token
     * @param ttlSeconds a lease's time to live, null for once
     * @param grantedExpiresAt the expiry the grant announced, null for once
     * @param expiresAt the lease's current expiry (after renewals), null for once
     * @param takeoverAfterFailure whether another agent may claim the key after this holder reports failure
     * @param status where the claim stands
     */
    public record Holder(
            String agentId,
            String requestId,
            Instant since,
            long sequence,
            ClaimMode mode,
            long fencingToken,
            Integer ttlSeconds,
            Instant grantedExpiresAt,
            Instant expiresAt,
            boolean takeoverAfterFailure,
            Status status) {

        public Holder {
            mode = mode == null ? ClaimMode.ONCE : mode;
            fencingToken = fencingToken == 0 ? 1 : fencingToken;
            status = status == null ? Status.ACTIVE : status;
        }

        /** The rule of expiry: an active lease whose expiry is at or before {@code now} has run out. */
        boolean leaseRunOutAt(Instant now) {
            return status == Status.ACTIVE && mode == ClaimMode.LEASE && !expiresAt.isAfter(now);
        }

        /** The fingerprint of the claim that was granted ({@link ClaimRequested#fingerprint()}). */
        String grantFingerprint() {
            return ClaimRequested.fingerprint(agentId, mode, ttlSeconds, takeoverAfterFailure);
        }

        /** Whether a new claim may be granted while this holder is the last one. */
        boolean yieldsToNextClaimer() {
            return switch (status) {
                case ACTIVE, SUCCEEDED -> false;
                case FAILED -> takeoverAfterFailure;
                case RELEASED, EXPIRED -> true;
            };
        }

        Holder withStatus(Status newStatus) {
            return new Holder(agentId, requestId, since, sequence, mode, fencingToken, ttlSeconds, grantedExpiresAt,
                    expiresAt, takeoverAfterFailure, newStatus);
        }

        Holder renewedUntil(Instant newExpiry) {
            return new Holder(agentId, requestId, since, sequence, mode, fencingToken, ttlSeconds, grantedExpiresAt,
                    newExpiry, takeoverAfterFailure, status);
        }
    }

    /** When the processor should check the key for an expired lease: the active lease's expiry, if any. */
    public Optional<Instant> leaseDueAt() {
        return holder != null && holder.status() == Status.ACTIVE && holder.mode() == ClaimMode.LEASE
                ? Optional.of(holder.expiresAt())
                : Optional.empty();
    }

    /** This state after a decision on the key, with {@code newHolder} as its holder. */
    ClaimState decided(long newSequence, Holder newHolder) {
        return new ClaimState(newSequence, newHolder, fencingToken);
    }
}
