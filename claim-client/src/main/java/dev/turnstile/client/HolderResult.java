package dev.turnstile.client;

import java.time.Instant;

/**
 * The coordinator's answer to a renewal, release or completion. A refusal is a result, not an exception.
 *
 * @param accepted {@code true} when done; {@code false} when refused
 * @param result {@code renewed}, {@code released}, {@code completed} or {@code refused}
 * @param reason when refused: {@code stale_token} (another agent took over), {@code not_holder},
 *     {@code no_active_claim}, {@code lease_expired}, {@code already_released}, {@code already_completed} or
 *     {@code not_a_lease}; {@code null} when accepted
 * @param message the coordinator's sentence about it
 * @param fencingToken the token presented
 * @param currentFencingToken when refused, the token of the task's current or last holder, if any
 * @param heldBy when refused, the task's current or last holder, if any
 * @param expiresAt renewed: the lease's new expiry; lease_expired: when it ran out
 */
public record HolderResult(
        boolean accepted,
        String result,
        String reason,
        String message,
        long fencingToken,
        Long currentFencingToken,
        String heldBy,
        Instant expiresAt) {}
