package dev.turnstile.client;

import dev.turnstile.contracts.claim.FieldViolation;
import java.util.List;

/**
 * The claim breaks the input rules: found on the agent before sending, or answered {@code 400 invalid_request} by
 * the coordinator. Never retried; the violations say which field to fix.
 */
public final class ClaimRejectedException extends ClaimClientException {

    private final List<FieldViolation> violations;
    private final boolean checkedLocally;

    ClaimRejectedException(String message, List<FieldViolation> violations, boolean checkedLocally) {
        super(message);
        this.violations = List.copyOf(violations);
        this.checkedLocally = checkedLocally;
    }

    static ClaimRejectedException locally(List<FieldViolation> violations) {
        return new ClaimRejectedException(
                "Invalid claim, not sent to the coordinator: " + joined(violations), violations, true);
    }

    static ClaimRejectedException byCoordinator(String url, String message, List<FieldViolation> violations) {
        String details = violations.isEmpty() ? message : joined(violations);
        return new ClaimRejectedException(
                "The coordinator at " + url + " rejected the claim as invalid: " + details, violations, false);
    }

    /** Every broken rule, in field order; empty only if the coordinator answered 400 without details. */
    public List<FieldViolation> violations() {
        return violations;
    }

    /** {@code true} when the claim was found invalid on the agent and never sent. */
    public boolean checkedLocally() {
        return checkedLocally;
    }

    private static String joined(List<FieldViolation> violations) {
        return String.join(
                "; ", violations.stream().map(FieldViolation::message).toList());
    }
}
