package dev.turnstile.contracts.http;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The answer to {@code POST /api/claim}: proceed, or skip because another agent holds (or finished) the task.
 *
 * @param proceed true: run the task; false: skip it
 * @param message the answer in a sentence, for logs
 * @param taskKey {@code project:task:gitSha}
 * @param claimedBy the agent that holds the claim (this one on a grant)
 * @param claimedAt when the holder's claim was decided (ISO-8601)
 * @param redelivery whether this answers the same agent asking again (a retry, or a new request id)
 * @param mode {@code once} or {@code lease}
 * @param fencingToken a grant's new token; for a denial, the holder's
 * @param expiresAt a lease's expiry (the agent's own on a grant, the holder's on a denial)
 * @param ttlSeconds a granted lease's time to live
 * @param outcome on a denial, what the holder reported once it finished: {@code succeeded} or {@code failed}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClaimReply(
        boolean proceed,
        String message,
        String taskKey,
        String requestId,
        String decisionId,
        String claimedBy,
        String claimedAt,
        boolean redelivery,
        String mode,
        long fencingToken,
        String expiresAt,
        Integer ttlSeconds,
        String outcome) {}
