package dev.turnstile.client;

import dev.turnstile.contracts.claim.ClaimMode;
import java.time.Instant;

/**
 * The coordinator's decision on a claim. Losing the race is a normal result ({@code proceed == false}), not an
 * exception: the duplicate agent skips the task and reports success, so that Nx carries on.
 *
 * @param proceed {@code true} when this agent is the first and should run the task; {@code false} when another
 *     agent already claimed it and this one should skip it
 * @param taskKey the key decided on, {@code project:task:gitSha}, e.g. {@code hire:convex-deploy:3f9c2ab}
 * @param requestId the idempotency key the claim was sent with (the same on every attempt)
 * @param claimedBy the agent that holds the claim: this one when proceeding, the winner when skipping; may be
 *     {@code null} if the coordinator did not say
 * @param claimedAt when the claim was granted; may be {@code null} if the coordinator did not say
 * @param message the coordinator's sentence about the decision, e.g. {@code Already claimed by …}
 * @param mode {@code once} or {@code lease}: this agent's grant, or the holder's claim when skipping
 * @param fencingToken the grant's fencing token (the holder's when skipping); 0 if the coordinator did not say.
 *     Tokens of a task strictly increase with every grant: hand it to a deploy target so it can reject a stale holder
 * @param expiresAt a lease's expiry (unless renewed); {@code null} for {@code once}
 * @param ttlSeconds a granted lease's time to live; {@code null} otherwise
 * @param outcome when skipping a claim that already ended: what the holder reported ({@code succeeded} or
 *     {@code failed}); {@code null} while it runs
 */
public record ClaimResult(
        boolean proceed,
        String taskKey,
        String requestId,
        String claimedBy,
        Instant claimedAt,
        String message,
        ClaimMode mode,
        long fencingToken,
        Instant expiresAt,
        Integer ttlSeconds,
        String outcome) {}
