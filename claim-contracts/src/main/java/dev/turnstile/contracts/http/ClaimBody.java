package dev.turnstile.contracts.http;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The body of {@code POST /api/claim}. Unknown fields are refused (400).
 *
 * @param project the project, e.g. {@code hire}
 * @param task the task, e.g. {@code convex-deploy}
 * @param gitSha the commit, 7 to 40 hex digits
 * @param agentId who asks, e.g. the CI job's id
 * @param requestId optional; the same on every retry of one claim, so that it is decided once
 * @param mode {@code once} (default: never expires) or {@code lease} (expires unless renewed)
 * @param ttlSeconds a lease's time to live, 1 to 3600; implies {@code lease}
 * @param takeoverAfterFailure whether a claim whose holder reported failure may be taken over
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClaimBody(
        String project,
        String task,
        String gitSha,
        String agentId,
        String requestId,
        String mode,
        Integer ttlSeconds,
        Boolean takeoverAfterFailure) {}
