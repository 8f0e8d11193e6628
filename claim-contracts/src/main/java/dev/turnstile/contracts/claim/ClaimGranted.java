package dev.turnstile.contracts.claim;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/** The agent is the first to claim the task key: it proceeds. */
@JsonIgnoreProperties(value = "wasGranted", allowGetters = true)
public record ClaimGranted(
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
        boolean redelivery)
        implements ClaimEvent {

    public static final int SCHEMA_VERSION = 1;

    @Override
    @JsonProperty("wasGranted")
    public boolean wasGranted() {
        return true;
    }

    /** The same decision, marked as repeated for a retried request. */
    public ClaimGranted asRedelivery() {
        return new ClaimGranted(
                schemaVersion, decisionId, sequence, requestId, taskKey, project, task, gitSha, agentId, attemptedAt, true);
    }
}
