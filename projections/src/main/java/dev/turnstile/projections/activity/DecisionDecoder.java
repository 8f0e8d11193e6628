package dev.turnstile.projections.activity;

import dev.turnstile.contracts.claim.ClaimDenied;
import dev.turnstile.contracts.claim.ClaimEvent;
import dev.turnstile.contracts.claim.DecisionType;
import dev.turnstile.contracts.claim.LeaseExpired;
import dev.turnstile.contracts.claim.LeaseRenewed;
import dev.turnstile.contracts.claim.RequestRefused;
import dev.turnstile.contracts.json.Json;
import dev.turnstile.projections.query.Attempt;
import java.util.Locale;
import tools.jackson.core.JacksonException;

/**
 * Turns a record of the decisions topic into an {@link Attempt}, or says why it is not one. Claim answers
 * ({@code ClaimGranted}, {@code ClaimDenied}) are counted; the other decisions of the topic (lease renewals, releases
 * and expiries, completions, refused requests) are shown and followed but not counted. Unknown types are skipped.
 */
final class DecisionDecoder {

    sealed interface Decoded {}

    /**
     * @param attempt what the activity list shows
     * @param event the decoded event (for the lease book)
     */
    record Decision(Attempt attempt, boolean redelivery, ClaimEvent event) implements Decoded {

        /** Counted in the stats: a claim's answer. */
        boolean counted() {
            return attempt.isClaim();
        }

        /** Shown in the activity list: everything but heartbeats, which would drown the rest. */
        boolean listed() {
            return !(event instanceof LeaseRenewed);
        }
    }

    /**
     * Not an attempt.
     *
     * @param kind the event type, or {@code undecodable} / {@code tombstone}
     * @param detail what was wrong, for the log
     */
    record Skipped(String kind, String detail) implements Decoded {}

    Decoded decode(byte[] value) {
        if (value == null) {
            return new Skipped("tombstone", "a record without a value");
        }
        String type;
        ClaimEvent event;
        try {
            var tree = Json.MAPPER.readTree(value);
            var typeNode = tree.get("type");
            type = typeNode == null || !typeNode.isString() ? null : typeNode.asString();
            if (type == null) {
                return new Skipped("undecodable", "JSON without a \"type\" field");
            }
            if (DecisionType.fromWireName(type).isEmpty()) {
                return new Skipped(type, "an event of another kind");
            }
            event = Json.MAPPER.treeToValue(tree, ClaimEvent.class);
        } catch (JacksonException e) {
            return new Skipped("undecodable", e.getOriginalMessage());
        }
        if (event.decisionId() == null
                || event.attemptedAt() == null
                || event.project() == null
                || event.task() == null
                || event.gitSha() == null) {
            return new Skipped("undecodable", type + " without decisionId, attemptedAt, project, task or gitSha");
        }
        return new Decision(toAttempt(event, type), event.redelivery(), event);
    }

    private static Attempt toAttempt(ClaimEvent event, String kind) {
        String heldBy = null;
        java.time.Instant heldSince = null;
        if (event instanceof ClaimDenied denied) {
            heldBy = denied.heldBy();
            heldSince = denied.heldSince();
        } else if (event instanceof RequestRefused refused) {
            heldBy = refused.heldBy();
        } else if (event instanceof LeaseExpired expired) {
            heldBy = expired.agentId();
            heldSince = expired.heldSince();
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
                heldBy,
                heldSince,
                kind);
    }
}
