package dev.turnstile.client;

/**
 * What the coordinator's health endpoint said.
 *
 * @param healthy {@code true} when the coordinator answered 200 with status {@code healthy}
 * @param status the reported status, e.g. {@code healthy} or {@code unhealthy}
 * @param timestamp the coordinator's time of the check as it sent it, or {@code null}
 * @param error why the coordinator is unhealthy, or {@code null} when it is healthy
 */
public record HealthReport(boolean healthy, String status, String timestamp, String error) {}
