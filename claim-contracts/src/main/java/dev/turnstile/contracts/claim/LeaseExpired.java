package dev.turnstile.contracts.claim;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * A lease ran out unrenewed: its holder ({@code agentId}) lost the key and the next claimer wins. Decided when a
 * command whose timestamp is at or after {@code expiresAt} reaches the key: a claim by another agent, a request
 * of the old holder, or the processor's {@link ExpireDue} check. {@code requestId} and {@code attemptedAt} are that
 * command's. Not an answer to any request; never a redelivery.
 *
 * @param expiresAt when the lease ran out
 * @param heldSince when the lease was granted
 */
@JsonIgnoreProperties(value = "wasGranted", allowGetters = true)
public record LeaseExpired(
        int schemaVersion,
        String decisionId,
        long sequence,
        String requestId,
        String taskKey,
        String project,
        String task,
        String gitSha,
        String agentId,
        Instant attemptedAt,
        boolean redelivery,
        ClaimMode mode,
        long fencingToken,
        Instant expiresAt,
        Instant heldSince)
        implements ClaimEvent {

    public static final int SCHEMA_VERSION = 1;

    @Override
    @JsonProperty("wasGranted")
    public boolean wasGranted() {
        return false;
    }

    @Override
    public LeaseExpired asRedelivery() {
        return new LeaseExpired(
                schemaVersion, decisionId, sequence, requestId, taskKey, project, task, gitSha, agentId, attemptedAt,
                true, mode, fencingToken, expiresAt, heldSince);
    }

    @Override
    public boolean answersRequest() {
        return false;
    }
}
