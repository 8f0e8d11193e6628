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
import dev.turnstile.contracts.json.Json;
import dev.turnstile.processor.decision.ClaimDecider;
import dev.turnstile.processor.decision.ClaimState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a claim history against the rules, with a model of its own that never asks the decider what it would do:
 * after every command, its decisions must be what the model allows. The invariants:
 *
 * <ul>
 *   <li>each key's decisions are numbered 1, 2, 3, … and named {@code <key>#<sequence>};
 *   <li>at most one valid holder per key: a grant only when nobody holds the key (never granted, released, expired,
 *       or failed with takeover allowed), and a denial only when somebody does;
 *   <li>fencing tokens of a key's grants are 1, 2, 3, …: strictly increasing, never reused;
 *   <li>a renew, release or completion is accepted only from the holder, with its token, while its claim runs;
 *   <li>a lease expires exactly when a command's time reaches its expiry, never earlier;
 *   <li>a retried request gets its original answer, marked redelivery, while its id is remembered (and always for
 *       the holder's own request); a request reusing an id for something else is refused and decides nothing;
 *   <li>the active holder asking again (a new id, the same settings) is told it holds the key, and nothing is
 *       decided;
 *   <li>in {@code once} mode without releases or takeover, exactly one grant per claimed key;
 *   <li>a processor that crashes and decides again produces the same decisions; replaying the log from offset 0
 *       reproduces every decision byte for byte; the stored state is what the key's decisions fold to.
 * </ul>
 */
final class ClaimHistoryChecker {

    private enum Status {
        ACTIVE,
        SUCCEEDED,
        FAILED,
        RELEASED,
        EXPIRED
    }

    private static final class Holder {
        String agentId;
        String requestId;
        long token;
        ClaimMode mode;
        String fingerprint;
        boolean takeover;
        Instant expiresAt;
        Status status = Status.ACTIVE;
        ClaimGranted grant;

        boolean yields() {
            return switch (status) {
                case ACTIVE, SUCCEEDED -> false;
                case FAILED -> takeover;
                case RELEASED, EXPIRED -> true;
            };
        }

        boolean runOutAt(Instant time) {
            return status == Status.ACTIVE && mode == ClaimMode.LEASE && !expiresAt.isAfter(time);
        }
    }

    private static final class Key {
        long sequence;
        long token;
        Holder holder;
        int grants;
        boolean claimed;
        boolean reopened;
    }

    private record Request(String fingerprint, ClaimEvent answer, Instant at) {}

    private final Duration requestMemory;
    private final Map<String, Key> keys = new HashMap<>();
    private final Map<String, Request> requests = new HashMap<>();
    private final List<String> history = new ArrayList<>();
    private final Map<String, List<ClaimEvent>> decisionsByKey = new HashMap<>();

    ClaimHistoryChecker(Duration requestMemory) {
        this.requestMemory = requestMemory;
    }

    /** A command of the log and the decisions it got, in log order. */
    void decided(ClaimCommand command, List<ClaimEvent> events) {
        history.add(command + " -> " + events);
        decisionsByKey
                .computeIfAbsent(command.taskKey(), k -> new ArrayList<>())
                .addAll(events);
        var key = keys.computeIfAbsent(command.taskKey(), k -> new Key());
        if (command instanceof ExpireDue check) {
            checkExpiryCheck(check, key, events);
        } else {
            checkAnswer(command, key, events);
        }
    }

    private void checkExpiryCheck(ExpireDue check, Key key, List<ClaimEvent> events) {
        var holder = key.holder;
        boolean due = holder != null && holder.token == check.fencingToken() && holder.runOutAt(check.timestamp());
        require(
                events.size() == (due ? 1 : 0),
                "an expiry check announces exactly when the checked lease ran out",
                events);
        if (due) {
            require(events.getFirst() instanceof LeaseExpired, "an expiry check announces LeaseExpired", events);
            apply(key, events.getFirst(), check);
        }
    }

    private void checkAnswer(ClaimCommand command, Key key, List<ClaimEvent> events) {
        require(!events.isEmpty(), "every request is answered", events);
        var answer = events.getLast();
        require(
                answer.answersRequest() && answer.requestId().equals(command.requestId()),
                "the last decision answers the request",
                events);
        var requestKey = command.taskKey() + '|' + command.requestId();
        var remembered = requests.get(requestKey);
        boolean inMemory =
                remembered != null && remembered.at().plus(requestMemory).isAfter(command.timestamp());
        var holder = key.holder;
        boolean holdersOwn = holder != null && holder.requestId.equals(command.requestId());

        if (inMemory || holdersOwn) {
            var original =
                    inMemory ? remembered : new Request(holder.fingerprint, holder.grant, holder.grant.attemptedAt());
            if (original.fingerprint().equals(command.fingerprint())) {
                require(
                        events.equals(List.of(original.answer().asRedelivery())),
                        "a retried request gets its original answer, marked redelivery",
                        events);
                if (!inMemory) {
                    requests.put(requestKey, new Request(command.fingerprint(), answer, command.timestamp()));
                }
            } else {
                require(
                        events.size() == 1
                                && answer instanceof RequestRefused refused
                                && refused.reason() == RefusalReason.REQUEST_ID_REUSED
                                && !refused.redelivery(),
                        "a request reusing another request's id is refused",
                        events);
                apply(key, answer, command);
            }
            return;
        }
        if (command instanceof ClaimRequested claim
                && holder != null
                && holder.status == Status.ACTIVE
                && !holder.runOutAt(claim.timestamp())
                && holder.fingerprint.equals(claim.fingerprint())) {
            require(
                    events.size() == 1
                            && answer instanceof ClaimGranted again
                            && again.redelivery()
                            && again.decisionId().equals(holder.grant.decisionId())
                            && again.fencingToken() == holder.token,
                    "the active holder asking again is told it holds the key, and nothing is decided",
                    events);
            requests.put(requestKey, new Request(command.fingerprint(), answer, command.timestamp()));
            return;
        }

        boolean expires = holder != null && holder.runOutAt(command.timestamp());
        require(
                events.size() == (expires ? 2 : 1),
                "a new request gets one decision, after the expiry it reveals",
                events);
        if (expires) {
            require(
                    events.getFirst() instanceof LeaseExpired expired && expired.fencingToken() == holder.token,
                    "the expiry a request reveals is announced first",
                    events);
            apply(key, events.getFirst(), command);
        }
        require(!answer.redelivery(), "a new request is decided, not redelivered", events);
        switch (command) {
            case ClaimRequested claim -> checkClaim(claim, key, answer, events);
            case HolderCommand request -> checkHolderRequest(request, key, answer, events);
            case ExpireDue check -> throw new AssertionError("not a request: " + check);
        }
        apply(key, answer, command);
        requests.put(requestKey, new Request(command.fingerprint(), answer, command.timestamp()));
    }

    private void checkClaim(ClaimRequested claim, Key key, ClaimEvent answer, List<ClaimEvent> events) {
        key.claimed = true;
        var holder = key.holder;
        if (holder == null || holder.yields()) {
            require(
                    answer instanceof ClaimGranted granted
                            && granted.agentId().equals(claim.agentId())
                            && granted.mode() == claim.mode()
                            && granted.fencingToken() == key.token + 1,
                    "a claim is granted, with the next fencing token, when nobody holds the key",
                    events);
        } else {
            require(
                    answer instanceof ClaimDenied denied
                            && denied.heldBy().equals(holder.agentId)
                            && denied.fencingToken() == holder.token,
                    "a claim is denied, naming the holder, while somebody holds the key",
                    events);
        }
    }

    private void checkHolderRequest(HolderCommand request, Key key, ClaimEvent answer, List<ClaimEvent> events) {
        var holder = key.holder;
        boolean allowed = holder != null
                && holder.token == request.fencingToken()
                && holder.agentId.equals(request.agentId())
                && holder.status == Status.ACTIVE
                && !(request instanceof LeaseRenewRequested && holder.mode == ClaimMode.ONCE);
        if (!allowed) {
            require(
                    answer instanceof RequestRefused refused && refused.reason() != RefusalReason.REQUEST_ID_REUSED,
                    "a renew, release or completion is refused unless the holder asks with its token while its"
                            + " claim runs",
                    events);
            return;
        }
        boolean matches = switch (request) {
            case LeaseRenewRequested renew ->
                answer instanceof LeaseRenewed renewed
                        && renewed.expiresAt()
                                .equals(renew.timestamp()
                                        .plusSeconds(
                                                renew.ttlSeconds() != null
                                                        ? renew.ttlSeconds()
                                                        : holder.grant.ttlSeconds()));
            case ReleaseRequested release -> answer instanceof LeaseReleased;
            case CompletionReported completion ->
                answer instanceof ClaimCompleted completed && completed.outcome() == completion.outcome();
        };
        require(matches, "the holder's renew, release or completion with its token is done", events);
    }

    /** The model after a new decision: numbering, holder, tokens. */
    private void apply(Key key, ClaimEvent event, ClaimCommand command) {
        require(
                event.sequence() == key.sequence + 1
                        && event.decisionId().equals(ClaimEvent.decisionId(command.taskKey(), event.sequence())),
                "each key's decisions are numbered 1, 2, 3, … and named <key>#<sequence>",
                List.of(event));
        key.sequence = event.sequence();
        switch (event) {
            case ClaimGranted granted -> {
                require(granted.fencingToken() == key.token + 1, "fencing tokens strictly increase", List.of(event));
                key.token = granted.fencingToken();
                key.grants++;
                var claim = (ClaimRequested) command;
                var holder = new Holder();
                holder.agentId = granted.agentId();
                holder.requestId = granted.requestId();
                holder.token = granted.fencingToken();
                holder.mode = granted.mode();
                holder.fingerprint = claim.fingerprint();
                holder.takeover = claim.takeoverAfterFailure();
                holder.expiresAt = granted.expiresAt();
                holder.grant = granted;
                if (key.holder != null) {
                    key.reopened = true;
                }
                key.holder = holder;
            }
            case LeaseRenewed renewed -> key.holder.expiresAt = renewed.expiresAt();
            case LeaseReleased released -> key.holder.status = Status.RELEASED;
            case LeaseExpired expired -> key.holder.status = Status.EXPIRED;
            case ClaimCompleted completed ->
                key.holder.status = completed.outcome() == ClaimOutcome.SUCCEEDED ? Status.SUCCEEDED : Status.FAILED;
            case ClaimDenied denied -> {}
            case RequestRefused refused -> {}
        }
    }

    /** A crashed processor decided a command again: the same decisions, or its aborted output was wrong. */
    void redecided(ClaimCommand command, List<ClaimEvent> before, List<ClaimEvent> again) {
        require(
                json(before).equals(json(again)),
                "a processor that crashes decides " + command + " the same again",
                again);
    }

    /** The log replayed from offset 0 into a fresh processor. */
    void replayed(List<List<ClaimEvent>> original, List<List<ClaimEvent>> replayed) {
        require(
                json(original).equals(json(replayed)),
                "replaying the log reproduces every decision byte for byte",
                List.of());
    }

    /** End of the run: once-mode keys were granted exactly once; stored state is the fold of the decisions. */
    void finished(Map<String, ClaimState> states, ClaimDecider decider) {
        keys.forEach((taskKey, key) -> {
            if (key.claimed && !key.reopened) {
                require(
                        key.grants == 1,
                        "a claimed key without release, expiry or takeover is granted exactly once (" + taskKey + ")",
                        List.of());
            }
        });
        // What a processor restored from the decisions alone would hold: it must be exactly the stored state.
        states.forEach((taskKey, state) -> {
            var folded = decider.evolve(ClaimState.EMPTY, decisionsByKey.getOrDefault(taskKey, List.of()));
            require(
                    state.equals(folded),
                    "the stored state of " + taskKey + " is what its decisions fold to",
                    List.of());
        });
    }

    private static String json(Object value) {
        return Json.MAPPER.writeValueAsString(value);
    }

    private void require(boolean holds, String rule, List<ClaimEvent> events) {
        if (!holds) {
            var recent = history.subList(Math.max(0, history.size() - 8), history.size());
            throw new AssertionError("Broken rule: " + rule + "\n  decisions: " + events + "\n  last commands:\n    "
                    + String.join("\n    ", recent));
        }
    }
}
