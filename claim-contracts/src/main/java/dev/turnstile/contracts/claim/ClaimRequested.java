package dev.turnstile.contracts.claim;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.time.Instant;
import java.util.Objects;

/**
 * An agent asks to run a task. Written by the gateway after validation. Records written before leases existed
 * have no {@code mode}: they are {@code once} claims.
 *
 * @param agentId who asks
 * @param requestedAt when the gateway received the request
 * @param policy how the claim behaves once granted (unwrapped on the wire: {@code mode}, {@code ttlSeconds},
 *     {@code takeoverAfterFailure})
 */
public record ClaimRequested(
        @JsonUnwrapped CommandHeader header,
        String agentId,
        Instant requestedAt,
        @JsonUnwrapped ClaimPolicy policy) implements ClaimCommand {

    public ClaimRequested {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(requestedAt, "requestedAt");
        policy = policy == null ? ClaimPolicy.ONCE : policy;
    }

    /** A new {@code once} request for {@code key}, as the gateway writes it. */
    public static ClaimRequested of(TaskKey key, String agentId, String requestId, Instant requestedAt) {
        return of(key, agentId, requestId, requestedAt, ClaimPolicy.ONCE);
    }

    /** A new request for {@code key} under {@code policy}, as the gateway writes it. */
    public static ClaimRequested of(
            TaskKey key, String agentId, String requestId, Instant requestedAt, ClaimPolicy policy) {
        return new ClaimRequested(CommandHeader.of(key, requestId), agentId, requestedAt, policy);
    }

    /** {@code once} (never expires) or {@code lease}. */
    public ClaimMode mode() {
        return policy.mode();
    }

    /** A lease's time to live; null for {@code once}. */
    public Integer ttlSeconds() {
        return policy.ttlSeconds();
    }

    /** Whether another agent may claim the task after this claim's holder reports failure. */
    public boolean takeoverAfterFailure() {
        return policy.takeoverAfterFailure();
    }

    @Override
    public Instant timestamp() {
        return requestedAt;
    }

    @Override
    public String fingerprint() {
        return fingerprint(agentId, mode(), ttlSeconds(), takeoverAfterFailure());
    }

    /** The fingerprint of a claim by {@code agentId} with these settings (also what a holder's grant answered). */
    public static String fingerprint(String agentId, ClaimMode mode, Integer ttlSeconds, boolean takeoverAfterFailure) {
        return "claim " + mode.wireName() + (ttlSeconds == null ? "" : " ttl=" + ttlSeconds)
                + (takeoverAfterFailure ? " takeover" : "") + " by " + agentId;
    }
}
