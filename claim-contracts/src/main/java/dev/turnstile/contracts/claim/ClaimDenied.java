package dev.turnstile.contracts.claim;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * Another agent holds the task key, or held it and finished: this agent skips. Losing the race is an outcome, not
 * an error.
 *
 * @param heldBy the agent that holds (or held) the claim
 * @param heldSince when the holder's claim was granted
 * @param mode the holder's claim mode
 * @param fencingToken the holder's fencing token
 * @param expiresAt when the holder's lease runs out unless renewed; null for {@code once} or a finished claim
 * @param outcome what the holder reported, when it has finished; null while it runs
 */
@JsonIgnoreProperties(value = "wasGranted", allowGetters = true)
public record ClaimDenied(
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
        String heldBy,
        Instant heldSince,
        ClaimMode mode,
        long fencingToken,
        @JsonInclude(JsonInclude.Include.NON_NULL) Instant expiresAt,
        @JsonInclude(JsonInclude.Include.NON_NULL) ClaimOutcome outcome)
        implements ClaimEvent {

    public static final int SCHEMA_VERSION = 1;

    public ClaimDenied {
        mode = mode == null ? ClaimMode.ONCE : mode;
        fencingToken = fencingToken == 0 ? 1 : fencingToken;
    }

    @Override
    @JsonProperty("wasGranted")
    public boolean wasGranted() {
        return false;
    }

    @Override
    public ClaimDenied asRedelivery() {
        return new ClaimDenied(
                schemaVersion, decisionId, sequence, requestId, taskKey, project, task, gitSha, agentId, attemptedAt,
                true, heldBy, heldSince, mode, fencingToken, expiresAt, outcome);
    }
}
