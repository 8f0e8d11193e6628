package dev.turnstile.contracts.claim;

/**
 * One broken input rule, named so that the caller can fix it.
 *
 * @param field the JSON field name, e.g. {@code gitSha}
 * @param rule a short, stable rule name, e.g. {@code pattern} or {@code required}
 * @param message a sentence that says what was wrong and how to fix it
 */
public record FieldViolation(String field, String rule, String message) {}
