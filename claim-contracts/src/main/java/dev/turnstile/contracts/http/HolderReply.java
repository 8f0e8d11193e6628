package dev.turnstile.contracts.http;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The answer to what only a claim's holder may ask: {@code POST /api/lease/renew}, {@code /api/lease/release} and
 * {@code /api/claim/complete}.
 *
 * @param accepted true when done; false when refused (HTTP 409)
 * @param result {@code renewed}, {@code released}, {@code completed} or {@code refused}
 * @param reason when refused: {@code stale_token}, {@code not_holder}, {@code no_active_claim},
 *     {@code lease_expired}, {@code already_released}, {@code already_completed} or {@code not_a_lease}
 * @param fencingToken the token presented
 * @param currentFencingToken when refused: the token of the key's current or last holder
 * @param heldBy when refused: the key's current or last holder
 * @param expiresAt renewed: the lease's new expiry; lease_expired: when it ran out
 * @param outcome completed: the outcome recorded
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HolderReply(
        boolean accepted,
        String result,
        String reason,
        String message,
        String taskKey,
        String requestId,
        String decisionId,
        String agentId,
        String mode,
        long fencingToken,
        Long currentFencingToken,
        String heldBy,
        String expiresAt,
        String outcome,
        boolean redelivery) {}
