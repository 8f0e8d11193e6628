package dev.turnstile.contracts.claim;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/** The holder reported its task's outcome (at {@code attemptedAt}); the claim has ended. */
@JsonIgnoreProperties(value = "wasGranted", allowGetters = true)
public record ClaimCompleted(
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
        ClaimOutcome outcome)
        implements ClaimEvent {

    public static final int SCHEMA_VERSION = 1;

    @Override
    @JsonProperty("wasGranted")
    public boolean wasGranted() {
        return false;
    }

    @Override
    public ClaimCompleted asRedelivery() {
        return new ClaimCompleted(
                schemaVersion, decisionId, sequence, requestId, taskKey, project, task, gitSha, agentId, attemptedAt,
                true, mode, fencingToken, outcome);
    }
}
