package dev.turnstile.contracts.http;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The body of what a holder asks: {@code POST /api/lease/renew}, {@code /api/lease/release},
 * {@code /api/claim/complete}. Unknown fields are refused (400).
 *
 * @param fencingToken the token of the grant
 * @param ttlSeconds renew only: the new time to live; absent to keep the lease's
 * @param outcome complete only: {@code succeeded} or {@code failed}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HolderBody(
        String project,
        String task,
        String gitSha,
        String agentId,
        long fencingToken,
        String requestId,
        Long ttlSeconds,
        String outcome) {}
