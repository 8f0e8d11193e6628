package dev.turnstile.processor.claim;

import dev.turnstile.contracts.claim.ClaimCommand;
import dev.turnstile.contracts.claim.ClaimCompleted;
import dev.turnstile.contracts.claim.ClaimDenied;
import dev.turnstile.contracts.claim.ClaimEvent;
import dev.turnstile.contracts.claim.ClaimGranted;
import dev.turnstile.contracts.claim.ClaimMode;
import dev.turnstile.contracts.claim.ClaimOutcome;
import dev.turnstile.contracts.claim.ClaimRequested;
import dev.turnstile.contracts.claim.CompletionReported;
import dev.turnstile.contracts.claim.ExpireDue;
import dev.turnstile.contracts.claim.HolderCommand;
import dev.turnstile.contracts.claim.LeaseExpired;
import dev.turnstile.contracts.claim.LeaseReleased;
import dev.turnstile.contracts.claim.LeaseRenewRequested;
import dev.turnstile.contracts.claim.LeaseRenewed;
import dev.turnstile.contracts.claim.RefusalReason;
import dev.turnstile.contracts.claim.ReleaseRequested;
import dev.turnstile.contracts.claim.RequestRefused;
import dev.turnstile.processor.claim.ClaimState.Holder;
import dev.turnstile.processor.claim.ClaimState.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * Decides claims, lease renewals, releases and completions. A pure function of the key's state and the command:
 * it reads no clock, draws no random numbers and touches no I/O, so replaying a key's command log reproduces its
 * decisions exactly. Time enters only as the command's timestamp: a lease has run out when its {@code expiresAt}
 * is at or before the timestamp of the command being decided.
 */
public final class ClaimDecider {

    /** The events that answer {@code command}, given the key's {@code state}. */
    public List<ClaimEvent> decide(ClaimCommand command, ClaimState state) {
        return switch (command) {
            case ClaimRequested request -> answerOnce(request, state, ClaimDecider::decideClaim);
            case HolderCommand request -> answerOnce(request, state, ClaimDecider::decideHolderRequest);
            case ExpireDue check -> announceExpiry(check, state);
        };
    }

    /** The key's state after {@code events}. */
    public ClaimState evolve(ClaimState state, List<ClaimEvent> events) {
        var result = state;
        for (var event : events) {
            result = evolve(result, event);
        }
        return result;
    }

    /** The key's state after one event. */
    public ClaimState evolve(ClaimState state, ClaimEvent event) {
        if (event.redelivery()) {
            return state;
        }
        var answer = new ClaimState.Answer(
                event.requestId(), event.sequence(), event.agentId(), event.attemptedAt(), event.wasGranted(), event);
        return switch (event) {
            case ClaimGranted granted -> state.answered(answer, holderOf(granted));
            case ClaimDenied denied -> state.answered(answer, state.holder());
            case RequestRefused refused -> state.answered(answer, state.holder());
            case LeaseRenewed renewed -> state.answered(answer, state.holder().renewedUntil(renewed.expiresAt()));
            case LeaseReleased released -> state.answered(answer, state.holder().withStatus(Status.RELEASED));
            case ClaimCompleted completed -> state.answered(
                    answer,
                    state.holder()
                            .withStatus(completed.outcome() == ClaimOutcome.SUCCEEDED ? Status.SUCCEEDED : Status.FAILED));
            case LeaseExpired expired -> state.decided(expired.sequence(), state.holder().withStatus(Status.EXPIRED));
        };
    }

    /**
     * A retried request gets its original answer; a new one is decided, after announcing the expiry of a lease
     * that its timestamp reveals (so a claim arriving after expiry both expires the old lease and is granted).
     */
    private <C extends ClaimCommand> List<ClaimEvent> answerOnce(
            C command, ClaimState state, BiFunction<C, ClaimState, ClaimEvent> decision) {
        var earlier = state.answerTo(command.requestId());
        if (earlier.isPresent()) {
            return List.of(redelivery(command, earlier.get(), state));
        }
        var events = new ArrayList<ClaimEvent>(2);
        var current = state;
        var expiry = expiryRevealedBy(command, state);
        if (expiry.isPresent()) {
            events.add(expiry.get());
            current = evolve(current, expiry.get());
        }
        events.add(decision.apply(command, current));
        return List.copyOf(events);
    }

    /** The processor's expiry check: announces the lease's expiry if it is still due, else nothing. */
    private static List<ClaimEvent> announceExpiry(ExpireDue check, ClaimState state) {
        var holder = state.holder();
        if (holder == null || holder.fencingToken() != check.fencingToken()) {
            return List.of();
        }
        return expiryRevealedBy(check, state).<List<ClaimEvent>>map(List::of).orElse(List.of());
    }

    private static Optional<ClaimEvent> expiryRevealedBy(ClaimCommand command, ClaimState state) {
        var holder = state.holder();
        if (holder == null || !holder.leaseRunOutAt(command.timestamp())) {
            return Optional.empty();
        }
        long sequence = state.sequence() + 1;
        return Optional.of(new LeaseExpired(
                LeaseExpired.SCHEMA_VERSION,
                ClaimEvent.decisionId(command.taskKey(), sequence),
                sequence,
                command.requestId(),
                command.taskKey(),
                command.project(),
                command.task(),
                command.gitSha(),
                holder.agentId(),
                command.timestamp(),
                false,
                holder.mode(),
                holder.fencingToken(),
                holder.expiresAt(),
                holder.since()));
    }

    private static ClaimEvent decideClaim(ClaimRequested request, ClaimState state) {
        long sequence = state.sequence() + 1;
        var decisionId = ClaimEvent.decisionId(request.taskKey(), sequence);
        var holder = state.holder();
        if (holder == null || holder.yieldsToNextClaimer()) {
            var expiresAt = request.mode() == ClaimMode.LEASE
                    ? request.requestedAt().plusSeconds(request.ttlSeconds())
                    : null;
            return new ClaimGranted(
                    ClaimGranted.SCHEMA_VERSION,
                    decisionId,
                    sequence,
                    request.requestId(),
                    request.taskKey(),
                    request.project(),
                    request.task(),
                    request.gitSha(),
                    request.agentId(),
                    request.requestedAt(),
                    false,
                    request.mode(),
                    state.fencingToken() + 1,
                    expiresAt,
                    request.ttlSeconds(),
                    request.takeoverAfterFailure());
        }
        return denial(request, sequence, request.requestId(), request.agentId(), request.requestedAt(), holder);
    }

    private static ClaimEvent decideHolderRequest(HolderCommand request, ClaimState state) {
        long sequence = state.sequence() + 1;
        var decisionId = ClaimEvent.decisionId(request.taskKey(), sequence);
        var holder = state.holder();
        var refusal = refusalOf(request, holder);
        if (refusal.isPresent()) {
            return new RequestRefused(
                    RequestRefused.SCHEMA_VERSION,
                    decisionId,
                    sequence,
                    request.requestId(),
                    request.taskKey(),
                    request.project(),
                    request.task(),
                    request.gitSha(),
                    request.agentId(),
                    request.timestamp(),
                    false,
                    request.request(),
                    refusal.get(),
                    holder == null ? ClaimMode.ONCE : holder.mode(),
                    request.fencingToken(),
                    holder == null ? null : holder.fencingToken(),
                    holder == null ? null : holder.agentId(),
                    refusal.get() == RefusalReason.LEASE_EXPIRED ? holder.expiresAt() : null);
        }
        return switch (request) {
            case LeaseRenewRequested renew -> {
                int ttl = renew.ttlSeconds() != null ? renew.ttlSeconds() : holder.ttlSeconds();
                yield new LeaseRenewed(
                        LeaseRenewed.SCHEMA_VERSION,
                        decisionId,
                        sequence,
                        renew.requestId(),
                        renew.taskKey(),
                        renew.project(),
                        renew.task(),
                        renew.gitSha(),
                        renew.agentId(),
                        renew.requestedAt(),
                        false,
                        holder.mode(),
                        holder.fencingToken(),
                        renew.requestedAt().plusSeconds(ttl),
                        ttl);
            }
            case ReleaseRequested release -> new LeaseReleased(
                    LeaseReleased.SCHEMA_VERSION,
                    decisionId,
                    sequence,
                    release.requestId(),
                    release.taskKey(),
                    release.project(),
                    release.task(),
                    release.gitSha(),
                    release.agentId(),
                    release.requestedAt(),
                    false,
                    holder.mode(),
                    holder.fencingToken());
            case CompletionReported completion -> new ClaimCompleted(
                    ClaimCompleted.SCHEMA_VERSION,
                    decisionId,
                    sequence,
                    completion.requestId(),
                    completion.taskKey(),
                    completion.project(),
                    completion.task(),
                    completion.gitSha(),
                    completion.agentId(),
                    completion.requestedAt(),
                    false,
                    holder.mode(),
                    holder.fencingToken(),
                    completion.outcome());
        };
    }

    /** Why the holder request must be refused, if it must: only the current holder, with its token, may ask. */
    private static Optional<RefusalReason> refusalOf(HolderCommand request, Holder holder) {
        if (holder == null) {
            return Optional.of(RefusalReason.NO_ACTIVE_CLAIM);
        }
        if (request.fencingToken() != holder.fencingToken()) {
            return Optional.of(RefusalReason.STALE_TOKEN);
        }
        if (!request.agentId().equals(holder.agentId())) {
            return Optional.of(RefusalReason.NOT_HOLDER);
        }
        return switch (holder.status()) {
            case EXPIRED -> Optional.of(RefusalReason.LEASE_EXPIRED);
            case RELEASED -> Optional.of(RefusalReason.ALREADY_RELEASED);
            case SUCCEEDED, FAILED -> Optional.of(RefusalReason.ALREADY_COMPLETED);
            case ACTIVE -> request instanceof LeaseRenewRequested && holder.mode() == ClaimMode.ONCE
                    ? Optional.of(RefusalReason.NOT_A_LEASE)
                    : Optional.empty();
        };
    }

    /** A retried request's original answer, marked as redelivery. */
    private static ClaimEvent redelivery(ClaimCommand command, ClaimState.Answer answer, ClaimState state) {
        if (answer.event() != null) {
            return answer.event().asRedelivery();
        }
        // The holder's grant (always remembered), or an answer stored before decisions were kept whole.
        var holder = state.holder();
        if (answer.granted()) {
            return new ClaimGranted(
                    ClaimGranted.SCHEMA_VERSION,
                    ClaimEvent.decisionId(command.taskKey(), holder.sequence()),
                    holder.sequence(),
                    holder.requestId(),
                    command.taskKey(),
                    command.project(),
                    command.task(),
                    command.gitSha(),
                    holder.agentId(),
                    holder.since(),
                    true,
                    holder.mode(),
                    holder.fencingToken(),
                    holder.grantedExpiresAt(),
                    holder.ttlSeconds(),
                    holder.takeoverAfterFailure());
        }
        return denial(command, answer.sequence(), answer.requestId(), answer.agentId(), answer.attemptedAt(), holder)
                .asRedelivery();
    }

    private static ClaimDenied denial(
            ClaimCommand command,
            long sequence,
            String requestId,
            String agentId,
            java.time.Instant attemptedAt,
            Holder holder) {
        return new ClaimDenied(
                ClaimDenied.SCHEMA_VERSION,
                ClaimEvent.decisionId(command.taskKey(), sequence),
                sequence,
                requestId,
                command.taskKey(),
                command.project(),
                command.task(),
                command.gitSha(),
                agentId,
                attemptedAt,
                false,
                holder.agentId(),
                holder.since(),
                holder.mode(),
                holder.fencingToken(),
                holder.status() == Status.ACTIVE ? holder.expiresAt() : null,
                switch (holder.status()) {
                    case SUCCEEDED -> ClaimOutcome.SUCCEEDED;
                    case FAILED -> ClaimOutcome.FAILED;
                    case ACTIVE, RELEASED, EXPIRED -> null;
                });
    }

    private static Holder holderOf(ClaimGranted granted) {
        return new Holder(
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
                Status.ACTIVE);
    }
}
