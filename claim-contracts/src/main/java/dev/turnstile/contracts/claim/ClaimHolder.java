package dev.turnstile.contracts.claim;

import java.time.Instant;
import java.util.function.UnaryOperator;

/**
 * The agent last granted a task key and where its claim stands: the one lifecycle of a claim, folded from the key's
 * decisions by {@link #after(ClaimHolder, ClaimEvent)}, identically in the processor (its state), the gateway
 * (wait-for-winner) and the read model (leases). A reader that starts mid-log learns the holder from the first
 * denial or lease event it meets; fields such a decision does not carry are then null.
 *
 * @param agentId who holds (or held) the key
 * @param requestId the request that was granted; null when learned from a later decision
 * @param since when the grant was made (the command's timestamp)
 * @param sequence the grant's sequence number; 0 when learned from a later decision
 * @param mode once or lease
 * @param fencingToken the grant's token
 * @param ttlSeconds a lease's time to live; null for once (or when not known)
 * @param grantedExpiresAt the expiry the grant announced; null for once (or when not known)
 * @param expiresAt the lease's current expiry (after renewals); null for once
 * @param takeoverAfterFailure whether another agent may claim the key after this holder reports failure
 * @param status where the claim stands
 */
public record ClaimHolder(
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
        ClaimStatus status) {

    public ClaimHolder {
        mode = mode == null ? ClaimMode.ONCE : mode;
        fencingToken = fencingToken == 0 ? 1 : fencingToken;
        status = status == null ? ClaimStatus.ACTIVE : status;
    }

    /** The holder a grant makes. */
    public static ClaimHolder grantedBy(ClaimGranted granted) {
        return new ClaimHolder(
                granted.agentId(),
                granted.requestId(),
                granted.attemptedAt(),
                granted.sequence(),
                granted.mode(),
                granted.fencingToken(),
                granted.ttlSeconds(),
                granted.expiresAt(),
                granted.expiresAt(),
                granted.takeoverAfterFailure(),
                ClaimStatus.ACTIVE);
    }

    /**
     * The holder of the key after {@code event}, given the one {@code before} it (null before the first grant): the
     * lifecycle of a claim. Repeats of earlier decisions, refusals and denials of other agents change nothing;
     * decisions about an older holder (another fencing token) are ignored.
     */
    public static ClaimHolder after(ClaimHolder before, ClaimEvent event) {
        if (event.redelivery()) {
            return before;
        }
        return switch (event) {
            case ClaimGranted granted -> grantedBy(granted);
            case ClaimDenied denied ->
                before != null && denied.fencingToken() <= before.fencingToken
                        ? before
                        : new ClaimHolder(
                                denied.heldBy(),
                                null,
                                denied.heldSince(),
                                0,
                                denied.mode(),
                                denied.fencingToken(),
                                null,
                                null,
                                denied.expiresAt(),
                                false,
                                denied.outcome() == null ? ClaimStatus.ACTIVE : ClaimStatus.of(denied.outcome()));
            case RequestRefused refused -> before;
            case LeaseRenewed renewed ->
                about(before, renewed, null, holder -> holder.renewedUntil(renewed.expiresAt()));
            case LeaseReleased released -> about(before, released, null, holder -> holder.ended(ClaimStatus.RELEASED));
            case LeaseExpired expired ->
                about(before, expired, expired.heldSince(), holder -> holder.ended(ClaimStatus.EXPIRED));
            case ClaimCompleted completed ->
                about(before, completed, null, holder -> holder.ended(ClaimStatus.of(completed.outcome())));
        };
    }

    /** The rule of expiry: an active lease whose expiry is at or before {@code now} has run out. */
    public boolean leaseRunOutAt(Instant now) {
        return status == ClaimStatus.ACTIVE && mode == ClaimMode.LEASE && !expiresAt.isAfter(now);
    }

    /** Whether a new claim may be granted while this holder is the last one. */
    public boolean yieldsToNextClaimer() {
        return switch (status) {
            case ACTIVE, SUCCEEDED -> false;
            case FAILED -> takeoverAfterFailure;
            case RELEASED, EXPIRED -> true;
        };
    }

    /** The fingerprint of the claim that was granted ({@link ClaimRequested#fingerprint()}). */
    public String grantFingerprint() {
        return ClaimRequested.fingerprint(agentId, mode, ttlSeconds, takeoverAfterFailure);
    }

    /** What the holder reported, once it finished; null while its claim runs or after it ended without an outcome. */
    public ClaimOutcome outcome() {
        return switch (status) {
            case SUCCEEDED -> ClaimOutcome.SUCCEEDED;
            case FAILED -> ClaimOutcome.FAILED;
            case ACTIVE, RELEASED, EXPIRED -> null;
        };
    }

    /** This holder with its claim ended in {@code newStatus}. */
    public ClaimHolder ended(ClaimStatus newStatus) {
        return new ClaimHolder(
                agentId,
                requestId,
                since,
                sequence,
                mode,
                fencingToken,
                ttlSeconds,
                grantedExpiresAt,
                expiresAt,
                takeoverAfterFailure,
                newStatus);
    }

    /** This holder with its lease renewed until {@code newExpiry}. */
    public ClaimHolder renewedUntil(Instant newExpiry) {
        return new ClaimHolder(
                agentId,
                requestId,
                since,
                sequence,
                mode,
                fencingToken,
                ttlSeconds,
                grantedExpiresAt,
                newExpiry,
                takeoverAfterFailure,
                status);
    }

    private static boolean holds(ClaimHolder holder, long fencingToken) {
        return holder != null && holder.fencingToken == fencingToken;
    }

    /**
     * Applies {@code change} to the holder a lease event speaks of: the one known, or, for a reader that started
     * mid-log, the holder learned from the event itself. An event about an older holder changes nothing.
     */
    private static ClaimHolder about(
            ClaimHolder before, ClaimEvent event, Instant since, UnaryOperator<ClaimHolder> change) {
        if (before != null && event.fencingToken() < before.fencingToken) {
            return before;
        }
        if (holds(before, event.fencingToken())) {
            return change.apply(before);
        }
        var expiresAt = event instanceof LeaseExpired expired ? expired.expiresAt() : null;
        return change.apply(new ClaimHolder(
                event.agentId(),
                null,
                since,
                0,
                event.mode(),
                event.fencingToken(),
                null,
                null,
                expiresAt,
                false,
                ClaimStatus.ACTIVE));
    }
}
