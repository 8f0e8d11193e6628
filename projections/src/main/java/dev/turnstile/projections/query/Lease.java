package dev.turnstile.projections.query;

import java.time.Instant;

/**
 * The latest lease on a task key (claims made with {@code mode: lease}).
 *
 * @param holder the agent holding (or that last held) it
 * @param fencingToken the holder's fencing token; a later holder's is larger
 * @param grantedAt when it was granted to this holder
 * @param expiresAt when it runs out unless renewed (as of the last renewal)
 * @param endedAt when it was released, expired or completed; null while active
 * @param outcome {@code succeeded} or {@code failed} when completed, else null
 */
public record Lease(
        String taskKey,
        String project,
        String task,
        String gitSha,
        String holder,
        long fencingToken,
        LeaseState state,
        Instant grantedAt,
        Instant expiresAt,
        Instant endedAt,
        String outcome) {}
