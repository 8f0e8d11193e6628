package dev.turnstile.contracts.claim;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/** Why a renew, release or completion was refused; machine-readable on the wire ({@code stale_token}, …). */
public enum RefusalReason {
    /** Nobody was ever granted the task key. */
    @JsonProperty("no_active_claim")
    NO_ACTIVE_CLAIM,
    /** The fencing token is not the current holder's: another agent was granted the key since (or never issued). */
    @JsonProperty("stale_token")
    STALE_TOKEN,
    /** The token is current but another agent presents it. */
    @JsonProperty("not_holder")
    NOT_HOLDER,
    /** The holder's lease ran out before this request; the key may be claimed by anyone. */
    @JsonProperty("lease_expired")
    LEASE_EXPIRED,
    /** The holder already released the claim. */
    @JsonProperty("already_released")
    ALREADY_RELEASED,
    /** The holder already reported the task's outcome. */
    @JsonProperty("already_completed")
    ALREADY_COMPLETED,
    /** Only a lease can be renewed; a {@code once} claim never expires. */
    @JsonProperty("not_a_lease")
    NOT_A_LEASE,
    /**
     * The request id was already used on this task key for a different request (another agent, mode or
     * parameters). A request id names one request: its retries get its answer, anything else is refused.
     */
    @JsonProperty("request_id_reused")
    REQUEST_ID_REUSED;

    /** The name on the wire, e.g. {@code stale_token}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
