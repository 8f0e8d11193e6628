package dev.turnstile.client.cli;

import dev.turnstile.client.ClaimRequest;
import dev.turnstile.client.ClaimResult;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** How a decision is printed: one line for people, or one JSON line for scripts. */
final class Decisions {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Decisions() {}

    /**
     * {@code hire:convex-deploy — proceeding as first instance (sha 3f9c2ab, agent a1)} or
     * {@code hire:convex-deploy — skipping, already claimed by agent-2 at 2026-11-23T10:30:00Z}.
     */
    static String line(ClaimRequest request, ClaimResult result) {
        if (result.proceed()) {
            return request.taskName() + " — proceeding as first instance (sha " + request.gitSha() + ", agent "
                    + request.agentId()
                    + (result.expiresAt() == null
                            ? ""
                            : ", fencing token " + result.fencingToken() + ", lease until " + result.expiresAt())
                    + ")";
        }
        if (result.outcome() != null && result.claimedBy() != null) {
            return request.taskName() + " — skipping, already run by " + result.claimedBy() + ": " + result.outcome();
        }
        if (result.claimedBy() == null) {
            return request.taskName() + " — skipping: " + result.message();
        }
        return request.taskName() + " — skipping, already claimed by " + result.claimedBy()
                + (result.claimedAt() == null ? "" : " at " + result.claimedAt());
    }

    /** The decision's stable fields, always all present, in a fixed order, on one line. */
    static String json(ClaimResult result) {
        ObjectNode node = JSON.createObjectNode()
                .put("proceed", result.proceed())
                .put("taskKey", result.taskKey())
                .put("requestId", result.requestId())
                .put("claimedBy", result.claimedBy())
                .put(
                        "claimedAt",
                        result.claimedAt() == null ? null : result.claimedAt().toString())
                .put("message", result.message())
                .put("mode", result.mode().wireName())
                .put("fencingToken", result.fencingToken())
                .put(
                        "expiresAt",
                        result.expiresAt() == null ? null : result.expiresAt().toString())
                .put("outcome", result.outcome());
        return JSON.writeValueAsString(node);
    }
}
