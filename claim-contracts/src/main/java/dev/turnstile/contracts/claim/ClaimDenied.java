package dev.turnstile.contracts.claim;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * Another agent holds the task key: this agent skips. Losing the race is an outcome, not an error.
 *
 * @param heldBy the agent that holds the claim
 * @param heldSince when the holder's claim was granted
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
        Instant heldSince)
        implements ClaimEvent {

    public static final int SCHEMA_VERSION = 1;

    @Override
    @JsonProperty("wasGranted")
    public boolean wasGranted() {
        return false;
    }

    /** The same decision, marked as repeated for a retried request. */
    public ClaimDenied asRedelivery() {
        return new ClaimDenied(
                schemaVersion,
                decisionId,
                sequence,
                requestId,
                taskKey,
                project,
                task,
                gitSha,
                agentId,
                attemptedAt,
                true,
                heldBy,
                heldSince);
    }
}
