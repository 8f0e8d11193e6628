package dev.turnstile.projections.activity;

import dev.turnstile.contracts.claim.ClaimDenied;
import dev.turnstile.contracts.claim.ClaimEvent;
import dev.turnstile.contracts.claim.ClaimHolder;
import dev.turnstile.contracts.claim.ClaimMode;
import dev.turnstile.contracts.claim.ClaimOutcome;
import dev.turnstile.contracts.claim.ClaimStatus;
import dev.turnstile.contracts.claim.DecisionType;
import dev.turnstile.contracts.claim.LeaseExpired;
import dev.turnstile.contracts.claim.LeaseRenewed;
import dev.turnstile.contracts.claim.RequestRefused;
import dev.turnstile.projections.query.Attempt;
import dev.turnstile.projections.query.Lease;
import dev.turnstile.projections.query.LeaseState;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The rules of the activity read model, as a pure function: what one decision changes. Whether it is new (by
 * decision id), how the activity list shows it, whether the stats count it and where, and how the lease view of its
 * task key moves. Storage ({@link ActivityStore}) and the in-memory model of the tests apply the same changes.
 */
final class ActivityFold {

    private static final long MINUTE_MILLIS = 60_000;

    private ActivityFold() {}

    /** What the fold reads of the model: whether a decision was applied, and the lease view of a task key. */
    interface Known {

        boolean seen(String decisionId);

        /** The latest lease of {@code taskKey}, or null. */
        Lease lease(String taskKey);
    }

    /**
     * What one new decision changes.
     *
     * @param attempt the decision as the activity list shows it
     * @param listed whether the list shows it (in every index of {@link #indexes()}); heartbeats are not listed
     * @param tally what it adds to the counters, or null when the stats do not count it
     * @param lease how the lease view of its task key moves, or null when it stays as it is
     */
    record Change(Attempt attempt, boolean listed, Tally tally, LeaseChange lease) {

        String decisionId() {
            return attempt.decisionId();
        }

        /** The indexes the attempt is listed in; none when it is not listed. */
        List<AttemptIndex> indexes() {
            return listed ? AttemptIndex.of(attempt) : List.of();
        }
    }

    /**
     * What a counted decision adds to the totals, its project's and task's counters and its minute's bucket.
     *
     * @param epochMinute the minute of {@code attemptedAt}, counted from the epoch
     * @param counts one attempt, blocked or not
     */
    record Tally(String project, String task, long epochMinute, Counts counts) {}

    /** The lease view of a task key before and after a decision; {@code before} is null for the key's first lease. */
    record LeaseChange(Lease before, Lease after) {}

    /** The changes {@code event} makes; empty when its decision id was applied before (a redelivery, a replay). */
    static Optional<Change> evolve(Known known, ClaimEvent event) {
        if (known.seen(event.decisionId())) {
            return Optional.empty();
        }
        var attempt = attemptOf(event);
        // Heartbeats would drown the rest of the list; they only move a lease's expiry.
        boolean listed = !(event instanceof LeaseRenewed);
        var tally = attempt.isClaim()
                ? new Tally(
                        attempt.project(),
                        attempt.task(),
                        Math.floorDiv(attempt.attemptedAt().toEpochMilli(), MINUTE_MILLIS),
                        Counts.ZERO.plus(attempt.wasGranted()))
                : null;
        LeaseChange lease = null;
        if (event.mode() == ClaimMode.LEASE) {
            var before = known.lease(event.taskKey());
            var after = leaseAfter(before, event);
            if (after != before) {
                lease = new LeaseChange(before, after);
            }
        }
        return Optional.of(new Change(attempt, listed, tally, lease));
    }

    /** The decision as the activity list shows it. */
    static Attempt attemptOf(ClaimEvent event) {
        String claimedBy = null;
        Instant claimedAt = null;
        if (event instanceof ClaimDenied denied) {
            claimedBy = denied.heldBy();
            claimedAt = denied.heldSince();
        } else if (event instanceof RequestRefused refused) {
            claimedBy = refused.heldBy();
        } else if (event instanceof LeaseExpired expired) {
            claimedBy = expired.agentId();
            claimedAt = expired.heldSince();
        }
        return new Attempt(
                event.decisionId(),
                event.taskKey(),
                event.project(),
                event.task(),
                event.gitSha().toLowerCase(Locale.ROOT),
                event.agentId(),
                event.requestId(),
                event.attemptedAt(),
                event.wasGranted(),
                claimedBy,
                claimedAt,
                DecisionType.of(event).wireName());
    }

    /**
     * The lease view of a task key after {@code event}: the shared claim lifecycle ({@link ClaimHolder#after}) of
     * the key's lease-mode decisions. Returns {@code before} itself when nothing changed.
     */
    static Lease leaseAfter(Lease before, ClaimEvent event) {
        if (event.mode() != ClaimMode.LEASE) {
            // Once claims have no lease: the key's last lease stays listed as it ended.
            return before;
        }
        var known = before == null ? null : holderOf(before);
        var holder = ClaimHolder.after(known, event);
        if (holder == known) {
            return before;
        }
        boolean sameClaim = known != null && known.fencingToken() == holder.fencingToken();
        Instant endedAt = !holder.status().ended()
                ? null
                : sameClaim && known.status() == holder.status() ? before.endedAt() : endedAt(event);
        var outcome = holder.outcome();
        return new Lease(
                event.taskKey(),
                event.project(),
                event.task(),
                event.gitSha(),
                holder.agentId(),
                holder.fencingToken(),
                LeaseState.of(holder.status()),
                // A holder learned mid-log from a renewal, release or completion has no known grant time: the
                // decision that revealed it stands in, so the lease still has a place in its state's order.
                holder.since() != null ? holder.since() : event.attemptedAt(),
                holder.expiresAt(),
                endedAt,
                outcome == null ? null : outcome.wireName());
    }

    /** When the claim that {@code event} ends ended: a lease runs out at its expiry, the rest when decided. */
    private static Instant endedAt(ClaimEvent event) {
        if (event instanceof LeaseExpired expired && expired.expiresAt() != null) {
            return expired.expiresAt();
        }
        return event.attemptedAt();
    }

    /**
     * The lifecycle's holder of a stored lease. The lease keeps what the lifecycle needs to go on (holder, token,
     * grant time, expiry, status); what it does not keep (the grant's request, sequence and policy) does not affect
     * how later decisions move a lease.
     */
    static ClaimHolder holderOf(Lease lease) {
        return new ClaimHolder(
                lease.holder(),
                null,
                lease.grantedAt(),
                0,
                ClaimMode.LEASE,
                lease.fencingToken(),
                null,
                null,
                lease.expiresAt(),
                false,
                statusOf(lease));
    }

    private static ClaimStatus statusOf(Lease lease) {
        return switch (lease.state()) {
            case ACTIVE -> ClaimStatus.ACTIVE;
            case EXPIRED -> ClaimStatus.EXPIRED;
            case RELEASED -> ClaimStatus.RELEASED;
            // A completion always carries its outcome (the schema requires it; the decoder skips one without).
            case COMPLETED ->
                ClaimOutcome.fromWireName(lease.outcome()).map(ClaimStatus::of).orElse(ClaimStatus.FAILED);
        };
    }
}
