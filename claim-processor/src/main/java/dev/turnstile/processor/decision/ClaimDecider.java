package dev.turnstile.processor.decision;

import dev.turnstile.contracts.claim.ClaimAnswer;
import dev.turnstile.contracts.claim.ClaimCommand;
import dev.turnstile.contracts.claim.ClaimCompleted;
import dev.turnstile.contracts.claim.ClaimDenied;
import dev.turnstile.contracts.claim.ClaimEvent;
import dev.turnstile.contracts.claim.ClaimGranted;
import dev.turnstile.contracts.claim.ClaimHolder;
import dev.turnstile.contracts.claim.ClaimMode;
import dev.turnstile.contracts.claim.ClaimRequested;
import dev.turnstile.contracts.claim.ClaimStatus;
import dev.turnstile.contracts.claim.CompletionReported;
import dev.turnstile.contracts.claim.DecisionHeader;
import dev.turnstile.contracts.claim.ExpireDue;
import dev.turnstile.contracts.claim.HolderAnswer;
import dev.turnstile.contracts.claim.HolderCommand;
import dev.turnstile.contracts.claim.HolderRequest;
import dev.turnstile.contracts.claim.LeaseExpired;
import dev.turnstile.contracts.claim.LeaseReleased;
import dev.turnstile.contracts.claim.LeaseRenewRequested;
import dev.turnstile.contracts.claim.LeaseRenewed;
import dev.turnstile.contracts.claim.RefusalReason;
import dev.turnstile.contracts.claim.ReleaseRequested;
import dev.turnstile.contracts.claim.RequestRefused;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * Decides claims, lease renewals, releases and completions. A pure function of the key's state, the command and the
 * answer earlier given to the command's request id: it reads no clock, draws no random numbers and touches no I/O,
 * so replaying a key's command log reproduces its decisions exactly. Time enters only as the command's timestamp: a
 * lease has run out when its {@code expiresAt} is at or before the timestamp of the command being decided, and a
 * request id is remembered for {@link #requestMemory()} of command time.
 */
public final class ClaimDecider {

    /** How long a request id is remembered unless configured otherwise: far longer than any client retries. */
    public static final Duration DEFAULT_REQUEST_MEMORY = Duration.ofHours(24);

    private final Duration requestMemory;

    public ClaimDecider() {
        this(DEFAULT_REQUEST_MEMORY);
    }

    /** @param requestMemory how long, in command time, a request id keeps its answer */
    public ClaimDecider(Duration requestMemory) {
        if (requestMemory.isNegative() || requestMemory.isZero()) {
            throw new IllegalArgumentException("The request memory must be positive; got " + requestMemory);
        }
        this.requestMemory = requestMemory;
    }

    /** How long, in command time, a request id keeps its answer; later it names a new request. */
    public Duration requestMemory() {
        return requestMemory;
    }

    /**
     * The events that answer {@code command}, given the key's {@code state} and the answer {@code earlier} given to
     * the command's request id on this key, if one was remembered.
     */
    public List<ClaimEvent> decide(ClaimCommand command, ClaimState state, Optional<RememberedAnswer> earlier) {
        return switch (command) {
            case ClaimRequested request -> answerOnce(request, state, earlier, ClaimDecider::decideClaim);
            case HolderCommand request -> answerOnce(request, state, earlier, ClaimDecider::decideHolderRequest);
            case ExpireDue check -> announceExpiry(check, state);
        };
    }

    /**
     * What to remember under the command's request id after it was answered with {@code events}: the answer to a
     * new request (a retry or a refused reuse of the id keeps what was remembered), nothing for an expiry check.
     */
    public Optional<RememberedAnswer> answerToRemember(
            ClaimCommand command, Optional<RememberedAnswer> earlier, List<ClaimEvent> events) {
        if (command instanceof ExpireDue
                || events.isEmpty()
                || remembered(command, earlier).isPresent()) {
            return Optional.empty();
        }
        var answer = events.getLast();
        if (answer instanceof RequestRefused refused && refused.reason() == RefusalReason.REQUEST_ID_REUSED) {
            return Optional.empty();
        }
        return Optional.of(new RememberedAnswer(command.fingerprint(), answer, command.timestamp()));
    }

    /** The key's state after {@code events}. */
    public ClaimState evolve(ClaimState state, List<ClaimEvent> events) {
        var result = state;
        for (var event : events) {
            result = evolve(result, event);
        }
        return result;
    }

    /** The key's state after one event: the claim lifecycle of {@link ClaimHolder}, and the decision's sequence. */
    public ClaimState evolve(ClaimState state, ClaimEvent event) {
        if (event.redelivery()) {
            return state;
        }
        return state.decided(event.sequence(), ClaimHolder.after(state.holder(), event));
    }

    /**
     * A request id names one request. A retry of it (same fingerprint) gets its original answer; another request
     * reusing the id is refused; the holder of an active claim asking again for it (same agent and settings, a new
     * request id: it lost its answer) is told it holds it. Anything else is decided, after announcing the expiry of
     * a lease that its timestamp reveals (so a claim arriving after expiry both expires the old lease and is
     * granted).
     */
    private <C extends ClaimCommand> List<ClaimEvent> answerOnce(
            C command,
            ClaimState state,
            Optional<RememberedAnswer> earlier,
            BiFunction<C, ClaimState, ? extends ClaimEvent> decision) {
        var known = remembered(command, earlier).or(() -> holderGrantAnswering(command, state));
        if (known.isPresent()) {
            return known.get().fingerprint().equals(command.fingerprint())
                    ? List.of(known.get().answer().asRedelivery())
                    : List.of(requestIdReused(command, state));
        }
        if (command instanceof ClaimRequested claim && heldActivelyBy(claim, state)) {
            return List.of(grantOf(
                            state.holder(),
                            claim,
                            claim.requestId(),
                            state.holder().expiresAt())
                    .asRedelivery());
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

    /** The earlier answer to the command's request id, if it is still within the request memory. */
    private Optional<RememberedAnswer> remembered(ClaimCommand command, Optional<RememberedAnswer> earlier) {
        return earlier.filter(answer -> answer.answeredAt().plus(requestMemory).isAfter(command.timestamp()));
    }

    /** The holder's own request is remembered as long as it is the key's last holder: its grant, as announced. */
    private static Optional<RememberedAnswer> holderGrantAnswering(ClaimCommand command, ClaimState state) {
        var holder = state.holder();
        if (holder == null || !holder.requestId().equals(command.requestId())) {
            return Optional.empty();
        }
        return Optional.of(new RememberedAnswer(
                holder.grantFingerprint(),
                grantOf(holder, command, holder.requestId(), holder.grantedExpiresAt()),
                holder.since()));
    }

    /** Whether {@code claim} is the active holder asking again for what it holds, with the same settings. */
    private static boolean heldActivelyBy(ClaimRequested claim, ClaimState state) {
        var holder = state.holder();
        return holder != null
                && holder.status() == ClaimStatus.ACTIVE
                && !holder.leaseRunOutAt(claim.timestamp())
                && holder.grantFingerprint().equals(claim.fingerprint());
    }

    /** The processor's expiry check: announces the lease's expiry if it is still due, else nothing. */
    private static List<ClaimEvent> announceExpiry(ExpireDue check, ClaimState state) {
        var holder = state.holder();
        if (holder == null || holder.fencingToken() != check.fencingToken()) {
            return List.of();
        }
        return expiryRevealedBy(check, state).<List<ClaimEvent>>map(List::of).orElse(List.of());
    }

    /** The holder's lease has run out at the command's time: announced, in the command's name, before deciding it. */
    private static Optional<ClaimEvent> expiryRevealedBy(ClaimCommand command, ClaimState state) {
        var holder = state.holder();
        if (holder == null || !holder.leaseRunOutAt(command.timestamp())) {
            return Optional.empty();
        }
        var header = DecisionHeader.of(command, state.sequence() + 1, holder.agentId());
        return Optional.of(
                new LeaseExpired(header, holder.mode(), holder.fencingToken(), holder.expiresAt(), holder.since()));
    }

    /** Nobody holds the key (or its holder yields): granted with the next fencing token. Else denied. */
    private static ClaimAnswer decideClaim(ClaimRequested request, ClaimState state) {
        var header = DecisionHeader.of(request, state.sequence() + 1, request.agentId());
        var holder = state.holder();
        if (holder == null || holder.yieldsToNextClaimer()) {
            var expiresAt =
                    request.mode() == ClaimMode.LEASE ? request.requestedAt().plusSeconds(request.ttlSeconds()) : null;
            return new ClaimGranted(
                    header,
                    request.mode(),
                    state.fencingToken() + 1,
                    expiresAt,
                    request.ttlSeconds(),
                    request.takeoverAfterFailure());
        }
        return new ClaimDenied(
                header,
                holder.agentId(),
                holder.since(),
                holder.mode(),
                holder.fencingToken(),
                holder.status() == ClaimStatus.ACTIVE ? holder.expiresAt() : null,
                holder.outcome());
    }

    /** Only the holder, with its token, while its claim runs, may renew, release or complete. */
    private static HolderAnswer decideHolderRequest(HolderCommand request, ClaimState state) {
        var header = DecisionHeader.of(request, state.sequence() + 1, request.agentId());
        var holder = state.holder();
        var refusal = refusalOf(request, holder);
        if (refusal.isPresent()) {
            return new RequestRefused(
                    header,
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
                        header,
                        holder.mode(),
                        holder.fencingToken(),
                        renew.requestedAt().plusSeconds(ttl),
                        ttl);
            }
            case ReleaseRequested release -> new LeaseReleased(header, holder.mode(), holder.fencingToken());
            case CompletionReported completion ->
                new ClaimCompleted(header, holder.mode(), holder.fencingToken(), completion.outcome());
        };
    }

    /** Why the holder request must be refused, if it must: only the current holder, with its token, may ask. */
    private static Optional<RefusalReason> refusalOf(HolderCommand request, ClaimHolder holder) {
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
            case ACTIVE ->
                request instanceof LeaseRenewRequested && holder.mode() == ClaimMode.ONCE
                        ? Optional.of(RefusalReason.NOT_A_LEASE)
                        : Optional.empty();
        };
    }

    /** The holder's grant, answering {@code requestId}, with the lease's expiry {@code expiresAt}. */
    private static ClaimGranted grantOf(ClaimHolder holder, ClaimCommand command, String requestId, Instant expiresAt) {
        var header = new DecisionHeader(
                DecisionHeader.SCHEMA_VERSION,
                DecisionHeader.decisionId(command.taskKey(), holder.sequence()),
                holder.sequence(),
                requestId,
                command.taskKey(),
                command.project(),
                command.task(),
                command.gitSha(),
                holder.agentId(),
                holder.since(),
                false);
        return new ClaimGranted(
                header,
                holder.mode(),
                holder.fencingToken(),
                expiresAt,
                holder.ttlSeconds(),
                holder.takeoverAfterFailure());
    }

    /** The refusal of a request that reuses the id of a different request on this key: nothing else is decided. */
    private static RequestRefused requestIdReused(ClaimCommand command, ClaimState state) {
        var holder = state.holder();
        var asked = switch (command) {
            case ClaimRequested claim ->
                new Asked(HolderRequest.CLAIM, claim.agentId(), claim.mode(), Math.max(1, state.fencingToken()));
            case HolderCommand request ->
                new Asked(
                        request.request(),
                        request.agentId(),
                        holder == null ? ClaimMode.ONCE : holder.mode(),
                        request.fencingToken());
            case ExpireDue check ->
                throw new IllegalStateException(
                        "Expiry check " + check.requestId() + " of " + check.taskKey() + " is never answered");
        };
        return new RequestRefused(
                DecisionHeader.of(command, state.sequence() + 1, asked.agentId()),
                asked.kind(),
                RefusalReason.REQUEST_ID_REUSED,
                asked.mode(),
                asked.fencingToken(),
                holder == null ? null : holder.fencingToken(),
                holder == null ? null : holder.agentId(),
                null);
    }

    /** Who asked what, for a refusal. */
    private record Asked(HolderRequest kind, String agentId, ClaimMode mode, long fencingToken) {}
}
