package dev.turnstile.contracts.http;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The body of {@code POST /api/queues/{queue}/claim-next}.
 *
 * @param waitSeconds how long to wait for a job before answering 204
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClaimNextBody(String workerId, Integer waitSeconds, String requestId) {}
