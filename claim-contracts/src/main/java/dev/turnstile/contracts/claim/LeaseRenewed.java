package dev.turnstile.contracts.claim;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * The holder's lease was extended: it now runs until {@code expiresAt}.
 *
 * @param expiresAt the lease's new expiry: the renewal's time plus {@code ttlSeconds}
 * @param ttlSeconds the time to live applied
 */
@JsonIgnoreProperties(value = "wasGranted", allowGetters = true)
public record LeaseRenewed(
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
        int ttlSeconds)
        implements ClaimEvent {

    public static final int SCHEMA_VERSION = 1;

    @Override
    @JsonProperty("wasGranted")
    public boolean wasGranted() {
        return false;
    }

    @Override
    public LeaseRenewed asRedelivery() {
        return new LeaseRenewed(
                schemaVersion, decisionId, sequence, requestId, taskKey, project, task, gitSha, agentId, attemptedAt,
                true, mode, fencingToken, expiresAt, ttlSeconds);
    }
}
