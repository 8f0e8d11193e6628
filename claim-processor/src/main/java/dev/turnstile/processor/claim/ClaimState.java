package dev.turnstile.processor.claim;

import dev.turnstile.contracts.claim.ClaimEvent;
import dev.turnstile.contracts.claim.ClaimMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the processor remembers about one task key: its current (or last) holder, the last decision's sequence,
 * the last fencing token issued, and the answers to the most recent requests (so that a retried request id gets
 * its original answer). States written before leases existed read as a {@code once} holder with token 1.
 *
 * @param sequence sequence number of the key's last decision, 0 before the first
 * @param holder the agent last granted the key (its claim may have ended), or null before the first grant
 * @param recent answers to the latest requests, oldest first, at most {@link #RECENT_ANSWERS}
 * @param fencingToken the last fencing token issued for the key, 0 before the first grant; never decreases
 */
public record ClaimState(long sequence, Holder holder, List<Answer> recent, long fencingToken) {

    /** How many answers are kept per key for retries; the holder's own request is always remembered. */
    public static final int RECENT_ANSWERS = 32;

    public static final ClaimState EMPTY = new ClaimState(0, null, List.of(), 0);

    public ClaimState {
        recent = recent == null ? List.of() : List.copyOf(recent);
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

    /**
     * The answer given to one request.
     *
     * @param requestId the request
     * @param sequence the decision's sequence number
     * @param agentId who asked
     * @param attemptedAt when
     * @param granted whether it was a grant
     * @param event the decision itself (absent in states written before leases existed)
     */
    public record Answer(
            String requestId, long sequence, String agentId, Instant attemptedAt, boolean granted, ClaimEvent event) {}

    /** When the processor should check the key for an expired lease: the active lease's expiry, if any. */
    public Optional<Instant> leaseDueAt() {
        return holder != null && holder.status() == Status.ACTIVE && holder.mode() == ClaimMode.LEASE
                ? Optional.of(holder.expiresAt())
                : Optional.empty();
    }

    /** The answer earlier given to {@code requestId}, if it is still remembered. */
    Optional<Answer> answerTo(String requestId) {
        if (holder != null && holder.requestId().equals(requestId)) {
            return Optional.of(new Answer(requestId, holder.sequence(), holder.agentId(), holder.since(), true, null));
        }
        for (int i = recent.size() - 1; i >= 0; i--) {
            if (recent.get(i).requestId().equals(requestId)) {
                return Optional.of(recent.get(i));
            }
        }
        return Optional.empty();
    }

    /** This state after a decision that changes no answer (an announcement). */
    ClaimState decided(long newSequence, Holder newHolder) {
        return new ClaimState(newSequence, newHolder, recent, fencingToken);
    }

    /** This state after a new decision answered {@code answer}. */
    ClaimState answered(Answer answer, Holder newHolder) {
        var answers = new ArrayList<Answer>(Math.min(recent.size() + 1, RECENT_ANSWERS));
        int from = Math.max(0, recent.size() + 1 - RECENT_ANSWERS);
        answers.addAll(recent.subList(from, recent.size()));
        answers.add(answer);
        return new ClaimState(answer.sequence(), newHolder, answers, fencingToken);
    }
}
