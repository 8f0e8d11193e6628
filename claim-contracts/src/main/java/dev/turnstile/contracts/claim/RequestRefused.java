package dev.turnstile.contracts.claim;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * A renew, release or completion was refused: the agent does not hold the key with the token it presented (or
 * the claim already ended). Nothing changed.
 *
 * @param refused what was asked: {@code renew}, {@code release} or {@code complete}
 * @param reason why, machine-readable: {@code stale_token}, {@code not_holder}, {@code no_active_claim}, …
 * @param mode the mode of the key's current (or last) claim; {@code once} when there was none
 * @param fencingToken the token the agent presented
 * @param currentFencingToken the token of the key's current (or last) holder; null when there was none
 * @param heldBy the key's current (or last) holder; null when there was none
 * @param expiresAt for {@code lease_expired}: when the lease ran out
 */
@JsonIgnoreProperties(value = "wasGranted", allowGetters = true)
public record RequestRefused(
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
        HolderRequest refused,
        RefusalReason reason,
        ClaimMode mode,
        long fencingToken,
        @JsonInclude(JsonInclude.Include.NON_NULL) Long currentFencingToken,
        @JsonInclude(JsonInclude.Include.NON_NULL) String heldBy,
        @JsonInclude(JsonInclude.Include.NON_NULL) Instant expiresAt)
        implements ClaimEvent {

    public static final int SCHEMA_VERSION = 1;

    @Override
    @JsonProperty("wasGranted")
    public boolean wasGranted() {
        return false;
    }

    @Override
    public RequestRefused asRedelivery() {
        return new RequestRefused(
                schemaVersion, decisionId, sequence, requestId, taskKey, project, task, gitSha, agentId, attemptedAt,
                true, refused, reason, mode, fencingToken, currentFencingToken, heldBy, expiresAt);
    }
}
