package dev.turnstile.client.jobs;

import dev.turnstile.contracts.claim.FieldViolation;
import java.util.List;

/**
 * A work-queue request breaks the input rules: found here before sending, or answered {@code 400 invalid_request} (or
 * {@code 409 request_id_conflict}) by the coordinator. Never retried; the violations say which field to fix.
 */
public final class JobRejectedException extends RuntimeException {

    private final List<FieldViolation> violations;
    private final boolean checkedLocally;

    JobRejectedException(String message, List<FieldViolation> violations, boolean checkedLocally) {
        super(message);
        this.violations = List.copyOf(violations);
        this.checkedLocally = checkedLocally;
    }

    static JobRejectedException locally(String what, List<FieldViolation> violations) {
        return new JobRejectedException(
                "Invalid " + what + ", not sent to the coordinator: " + joined(violations), violations, true);
    }

    static JobRejectedException byCoordinator(
            String url, String what, String message, List<FieldViolation> violations) {
        var details = violations.isEmpty() ? message : joined(violations);
        return new JobRejectedException(
                "The coordinator at " + url + " rejected the " + what + " as invalid: " + details, violations, false);
    }

    /** Every broken rule, in field order; empty only if the coordinator answered without details. */
    public List<FieldViolation> violations() {
        return violations;
    }

    /** {@code true} when the request was found invalid here and never sent. */
    public boolean checkedLocally() {
        return checkedLocally;
    }

    private static String joined(List<FieldViolation> violations) {
        return String.join(
                "; ", violations.stream().map(FieldViolation::message).toList());
    }
}
