package dev.turnstile.history;

import dev.turnstile.contracts.claim.ClaimCompleted;
import dev.turnstile.contracts.claim.ClaimDenied;
import dev.turnstile.contracts.claim.ClaimEvent;
import dev.turnstile.contracts.claim.ClaimGranted;
import dev.turnstile.contracts.claim.ClaimOutcome;
import dev.turnstile.contracts.claim.LeaseExpired;
import dev.turnstile.contracts.claim.LeaseReleased;
import dev.turnstile.history.ClientHistory.Operation;
import dev.turnstile.history.ClientHistory.Outcome;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks what clients were told against the committed decisions log, and the log against the claim rules, in the
 * manner of Jepsen's checkers: nothing is trusted but the client-observed history and the log.
 *
 * <ul>
 *   <li><b>The log is well formed</b>: each key's decisions are numbered 1, 2, 3, … in log order and named
 *       {@code <key>#<sequence>}; no decision id appears twice.
 *   <li><b>At most one valid holder per key</b>: a key is granted again only after its holder's claim ended in the
 *       log (released, expired, or failed with takeover allowed); fencing tokens of a key's grants strictly increase.
 *   <li><b>No answer is contradicted by the log</b>: every answered claim has its decision in the log (the first one
 *       answering its request id on its key), and that decision says the same: proceed or skip, the same holder,
 *       the same fencing token.
 *   <li><b>No acknowledged grant is lost</b>: every client told to proceed finds its grant committed.
 *   <li><b>Real-time order</b>: a claim sent after another one's answer came back is decided after it.
 *   <li>Grants that no client learned of (decided for a claim whose client got no answer) are counted; a load that
 *       retries until answered must have none.
 * </ul>
 */
public final class HistoryChecker {

    /**
     * What the check found.
     *
     * @param violations broken rules, each with the operations and decisions involved; empty when the history holds
     * @param answered operations answered; {@code unknown}: without an answer; {@code failed}: refused before writing
     * @param keys task keys decided in the log
     * @param decisions decisions in the log (redeliveries included)
     * @param grants grants in the log (redeliveries excluded)
     * @param unacknowledgedGrants grants decided for a claim whose client never got an answer
     */
    public record Report(
            List<String> violations,
            int answered,
            int unknown,
            int failed,
            int keys,
            int decisions,
            int grants,
            int unacknowledgedGrants) {

        /** Throws {@link AssertionError} listing every violation, unless there are none. */
        public Report assertValid() {
            if (!violations.isEmpty()) {
                throw new AssertionError(violations.size() + " violation(s) in the history (" + this.summary()
                        + "):\n  " + String.join("\n  ", violations.subList(0, Math.min(20, violations.size()))));
            }
            return this;
        }

        /** One line: what was checked. */
        public String summary() {
            return answered + " answered, " + unknown + " unanswered and " + failed + " refused claims against "
                    + decisions
                    + " decisions on " + keys + " keys, " + grants + " grants, " + unacknowledgedGrants
                    + " grants no client learned of";
        }
    }

    private HistoryChecker() {}

    /** Checks {@code history} against {@code committed}, the decisions topic read from offset 0, read_committed. */
    public static Report check(ClientHistory history, List<ClaimEvent> committed) {
        var violations = new ArrayList<String>();
        var byKey = new LinkedHashMap<String, List<ClaimEvent>>();
        committed.forEach(event ->
                byKey.computeIfAbsent(event.taskKey(), key -> new ArrayList<>()).add(event));

        var decisionIds = new HashSet<String>();
        int grants = 0;
        // The decision answering each request first: its original decision (or, for a holder that asked again with
        // a new request id, the repeat of its grant that answered it).
        var answerOf = new HashMap<String, ClaimEvent>();
        for (var entry : byKey.entrySet()) {
            grants += checkKeyLog(entry.getKey(), entry.getValue(), decisionIds, violations);
            for (var event : entry.getValue()) {
                if (event.answersRequest()) {
                    answerOf.putIfAbsent(requestKey(event.taskKey(), event.requestId()), event);
                }
            }
        }

        var operations = history.operations();
        int answered = 0;
        int unknown = 0;
        int failed = 0;
        var unanswered = new HashSet<String>();
        var acknowledged = new HashSet<String>();
        for (var operation : operations) {
            switch (operation.outcome()) {
                case OK -> {
                    answered++;
                    acknowledged.add(requestKey(operation.taskKey(), operation.requestId()));
                    checkAnswer(
                            operation,
                            answerOf.get(requestKey(operation.taskKey(), operation.requestId())),
                            violations);
                }
                case UNKNOWN -> {
                    unknown++;
                    unanswered.add(requestKey(operation.taskKey(), operation.requestId()));
                }
                case FAILED -> failed++;
            }
        }
        checkRealTimeOrder(operations, answerOf, violations);

        int unacknowledgedGrants = 0;
        for (var request : unanswered) {
            var decision = answerOf.get(request);
            if (decision instanceof ClaimGranted && !decision.redelivery() && !acknowledged.contains(request)) {
                unacknowledgedGrants++;
            }
        }
        return new Report(
                List.copyOf(violations),
                answered,
                unknown,
                failed,
                byKey.size(),
                committed.size(),
                grants,
                unacknowledgedGrants);
    }

    /** The rules of one key's log; returns how many grants it holds. */
    private static int checkKeyLog(
            String key, List<ClaimEvent> events, HashSet<String> decisionIds, List<String> violations) {
        long sequence = 0;
        long token = 0;
        ClaimGranted holder = null;
        boolean holderEnded = true;
        int grants = 0;
        for (var event : events) {
            if (event.redelivery()) {
                continue;
            }
            if (event.sequence() != sequence + 1
                    || !event.decisionId().equals(ClaimEvent.decisionId(key, event.sequence()))) {
                violations.add(
                        "Decisions of " + key + " are not numbered 1, 2, 3, …: after " + sequence + " comes " + event);
            }
            sequence = event.sequence();
            if (!decisionIds.add(event.decisionId())) {
                violations.add("Decision id " + event.decisionId() + " appears twice: " + event);
            }
            switch (event) {
                case ClaimGranted granted -> {
                    grants++;
                    if (holder != null && !holderEnded) {
                        violations.add("Two valid holders of " + key + ": " + granted.agentId() + " was granted (token "
                                + granted.fencingToken() + ") while " + holder.agentId() + " (token "
                                + holder.fencingToken() + ") still held it");
                    }
                    if (granted.fencingToken() <= token) {
                        violations.add("Fencing tokens of " + key + " do not increase: " + granted.fencingToken()
                                + " after " + token);
                    }
                    token = granted.fencingToken();
                    holder = granted;
                    holderEnded = false;
                }
                case LeaseReleased released -> holderEnded |= endsHolder(holder, released.fencingToken());
                case LeaseExpired expired -> holderEnded |= endsHolder(holder, expired.fencingToken());
                case ClaimCompleted completed ->
                    holderEnded |= endsHolder(holder, completed.fencingToken())
                            && completed.outcome() == ClaimOutcome.FAILED
                            && holder.takeoverAfterFailure();
                default -> {}
            }
        }
        return grants;
    }

    private static boolean endsHolder(ClaimGranted holder, long fencingToken) {
        return holder != null && holder.fencingToken() == fencingToken;
    }

    private static void checkAnswer(Operation operation, ClaimEvent decision, List<String> violations) {
        if (decision == null) {
            violations.add("Answered but not in the log: " + operation);
            return;
        }
        boolean agrees = switch (decision) {
            case ClaimGranted granted ->
                operation.proceed()
                        && granted.agentId().equals(operation.agentId())
                        && granted.fencingToken() == operation.fencingToken();
            case ClaimDenied denied ->
                !operation.proceed()
                        && denied.heldBy().equals(operation.holder())
                        && denied.fencingToken() == operation.fencingToken();
            default -> false;
        };
        if (!agrees) {
            violations.add("The log contradicts an answer: " + operation + " but the log decided " + decision);
        }
    }

    /** A claim sent after another's answer came back is decided after it (among new decisions on the same key). */
    private static void checkRealTimeOrder(
            List<Operation> operations, Map<String, ClaimEvent> answerOf, List<String> violations) {
        var byKey = new HashMap<String, List<Operation>>();
        for (var operation : operations) {
            if (operation.outcome() == Outcome.OK) {
                byKey.computeIfAbsent(operation.taskKey(), key -> new ArrayList<>())
                        .add(operation);
            }
        }
        for (var keyed : byKey.values()) {
            // Sorted by completion: each operation must be decided after every one completed before it was sent.
            var byCompletion = new ArrayList<>(keyed);
            byCompletion.sort((a, b) -> Long.compare(a.completedNanos(), b.completedNanos()));
            for (var later : keyed) {
                var laterDecision = answerOf.get(requestKey(later.taskKey(), later.requestId()));
                if (laterDecision == null || laterDecision.redelivery()) {
                    continue;
                }
                for (var earlier : byCompletion) {
                    if (!earlier.precedes(later)) {
                        break;
                    }
                    var earlierDecision = answerOf.get(requestKey(earlier.taskKey(), earlier.requestId()));
                    if (earlierDecision != null && earlierDecision.sequence() >= laterDecision.sequence()) {
                        violations.add("Decided out of real-time order: " + earlier + " was answered before " + later
                                + " was sent, yet decided as #" + earlierDecision.sequence() + " after #"
                                + laterDecision.sequence());
                    }
                }
            }
        }
    }

    private static String requestKey(String taskKey, String requestId) {
        return taskKey + '|' + requestId;
    }
}
