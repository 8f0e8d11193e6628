package dev.turnstile.projections.query;

import dev.turnstile.contracts.claim.FieldViolation;

/**
 * A query argument breaks a rule of {@link ActivityQueries}. It names the parameter and the rule where the rule is
 * checked, so an adapter (the HTTP API) reports it against that parameter without reading the message.
 */
public final class InvalidQueryException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String field;
    private final String rule;

    /**
     * @param field the parameter, as the HTTP API names it: {@code cursor}, {@code gitSha}, {@code from}, …
     * @param rule a short, stable rule name: {@code range}, {@code ambiguous}, {@code required}, …
     * @param message a sentence that says what was wrong and how to fix it
     */
    public InvalidQueryException(String field, String rule, String message) {
        super(message);
        this.field = field;
        this.rule = rule;
    }

    /** The parameter that broke the rule. */
    public String field() {
        return field;
    }

    /** The rule it broke. */
    public String rule() {
        return rule;
    }

    /** The violation in the shape every HTTP error answer uses. */
    public FieldViolation violation() {
        return new FieldViolation(field, rule, getMessage());
    }
}
