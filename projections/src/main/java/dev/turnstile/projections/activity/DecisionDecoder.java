package dev.turnstile.projections.activity;

import dev.turnstile.contracts.claim.ClaimDenied;
import dev.turnstile.contracts.claim.ClaimEvent;
import dev.turnstile.contracts.claim.ClaimGranted;
import dev.turnstile.contracts.json.Json;
import dev.turnstile.projections.query.Attempt;
import java.util.Locale;
import java.util.Set;
import tools.jackson.core.JacksonException;

/**
 * Turns a record of the decisions topic into an {@link Attempt}, or says why it is not one. Other event kinds share
 * the topic (lease events, completions, …): they are recognised by their {@code type} and skipped, not treated as
 * corrupt.
 */
final class DecisionDecoder {

    /** The event types that are claim attempts. */
    static final Set<String> ATTEMPT_TYPES = Set.of("ClaimGranted", "ClaimDenied");

    sealed interface Decoded {}

    record Decision(Attempt attempt, boolean redelivery) implements Decoded {}

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
            if (!ATTEMPT_TYPES.contains(type)) {
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
        return new Decision(toAttempt(event, type), event.redelivery());
    }

    private static Attempt toAttempt(ClaimEvent event, String kind) {
        var sha = event.gitSha().toLowerCase(Locale.ROOT);
        return switch (event) {
            case ClaimGranted granted -> new Attempt(
                    granted.decisionId(),
                    granted.taskKey(),
                    granted.project(),
                    granted.task(),
                    sha,
                    granted.agentId(),
                    granted.requestId(),
                    granted.attemptedAt(),
                    true,
                    null,
                    null,
                    kind);
            case ClaimDenied denied -> new Attempt(
                    denied.decisionId(),
                    denied.taskKey(),
                    denied.project(),
                    denied.task(),
                    sha,
                    denied.agentId(),
                    denied.requestId(),
                    denied.attemptedAt(),
                    false,
                    denied.heldBy(),
                    denied.heldSince(),
                    kind);
        };
    }
}
