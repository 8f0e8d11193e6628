package dev.turnstile.contracts.http;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The answer to {@code GET /api/health}: 200 when claims can be decided, 503 otherwise.
 *
 * @param status {@code healthy} or {@code unhealthy}
 * @param timestamp when the coordinator last checked (ISO-8601)
 * @param error when unhealthy: why
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HealthReply(String status, String timestamp, String error) {}
