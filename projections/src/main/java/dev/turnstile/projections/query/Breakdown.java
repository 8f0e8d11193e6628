package dev.turnstile.projections.query;

/**
 * Attempts of one project or task.
 *
 * @param label the project or task name
 * @param total attempts
 * @param blocked of which denied
 */
public record Breakdown(String label, long total, long blocked) {}
