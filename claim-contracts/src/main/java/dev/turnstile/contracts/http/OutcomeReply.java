package dev.turnstile.contracts.http;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The answer to {@code GET /api/claim/outcome}: where a key stands.
 *
 * @param status {@code active} (the holder runs), {@code succeeded}, {@code failed}, {@code expired} (a lease ran
 *     out), {@code released}, or {@code unknown} (this gateway has heard no decision on the key since it started)
 * @param ended whether the claim has ended, so that waiting longer cannot change the answer of this holder
 * @param agentId the holder (or last holder)
 * @param decidedAt when the decision behind this status was made
 * @param expiresAt a running lease's expiry
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OutcomeReply(
        String taskKey,
        String status,
        boolean ended,
        String message,
        String agentId,
        String mode,
        Long fencingToken,
        String decidedAt,
        String expiresAt) {}
