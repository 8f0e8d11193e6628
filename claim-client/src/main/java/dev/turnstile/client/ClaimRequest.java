package dev.turnstile.client;

import dev.turnstile.contracts.claim.ClaimRules;

/**
 * A question for the coordinator: may this agent run {@code project:task} at {@code gitSha}? It checks itself with
 * the rules the gateway applies ({@link ClaimRules}), so that a bad request fails on the agent, before any call.
 *
 * @param project the Nx project, e.g. {@code hire}
 * @param task the Nx target, e.g. {@code convex-deploy}
 * @param gitSha the commit the task runs for, 7 to 64 hexadecimal characters; kept lower-case
 * @param agentId who is asking, e.g. {@link AgentId#defaultAgentId()}
 * @param requestId the idempotency key sent on every attempt, or {@code null} to have {@link ClaimClient#claim}
 *     generate a UUID for this claim
 */
public record ClaimRequest(String project, String task, String gitSha, String agentId, String requestId) {

    /**
     * Checks every field against the claim rules.
     *
     * @throws ClaimRejectedException listing every broken rule, when any field is invalid
     */
    public ClaimRequest {
        var violations = ClaimRules.checkClaim(project, task, gitSha, agentId, requestId);
        if (!violations.isEmpty()) {
            throw ClaimRejectedException.locally(violations);
        }
        gitSha = ClaimRules.normalizeGitSha(gitSha);
    }

    /** A claim for this agent ({@link AgentId#defaultAgentId()}) with a request id generated when it is sent. */
    public static ClaimRequest of(String project, String task, String gitSha) {
        return new ClaimRequest(project, task, gitSha, AgentId.defaultAgentId(), null);
    }

    /** The same claim made by another agent. */
    public ClaimRequest withAgentId(String agentId) {
        return new ClaimRequest(project, task, gitSha, agentId, requestId);
    }

    /** The same claim with a caller-chosen idempotency key, e.g. to resume a claim after a crash. */
    public ClaimRequest withRequestId(String requestId) {
        return new ClaimRequest(project, task, gitSha, agentId, requestId);
    }

    /** {@code project:task}, the way people name the task in CI logs. */
    public String taskName() {
        return project + ":" + task;
    }

    /** {@code project:task:gitSha}, the key the coordinator decides on. */
    public String taskKey() {
        return taskName() + ":" + gitSha;
    }
}
