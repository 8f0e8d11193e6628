package dev.turnstile.contracts.claim;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/** The holder gave its claim back without an outcome (at {@code attemptedAt}): the next claimer wins. */
@JsonIgnoreProperties(value = "wasGranted", allowGetters = true)
public record LeaseReleased(
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
        long fencingToken)
        implements ClaimEvent {

    public static final int SCHEMA_VERSION = 1;

    @Override
    @JsonProperty("wasGranted")
    public boolean wasGranted() {
        return false;
    }

    @Override
    public LeaseReleased asRedelivery() {
        return new LeaseReleased(
                schemaVersion, decisionId, sequence, requestId, taskKey, project, task, gitSha, agentId, attemptedAt,
                true, mode, fencingToken);
    }
}
