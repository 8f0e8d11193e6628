package dev.turnstile.projections.activity;

import dev.turnstile.contracts.claim.ClaimCompleted;
import dev.turnstile.contracts.claim.ClaimEvent;
import dev.turnstile.contracts.claim.DecisionType;
import dev.turnstile.contracts.json.Json;
import tools.jackson.core.JacksonException;

/**
 * Turns a record of the decisions topic into a decision, or says why it is not one: unknown types, records that
 * are not JSON, tombstones and decisions without the fields the read model needs are skipped. What a decision
 * changes is {@link ActivityFold}'s business.
 */
final class DecisionDecoder {

    sealed interface Decoded {}

    record Decision(ClaimEvent event) implements Decoded {}

    /**
     * Not a decision the read model can apply.
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
        if (event instanceof ClaimCompleted completed && completed.outcome() == null) {
            // The claim lifecycle cannot end a claim without knowing how; the schema requires the outcome.
            return new Skipped("undecodable", type + " without outcome");
        }
        return new Decision(event);
    }
}
