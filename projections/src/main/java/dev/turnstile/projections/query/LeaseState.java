package dev.turnstile.projections.query;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.turnstile.contracts.claim.ClaimStatus;
import java.util.Locale;

/**
 * Where a lease stands, as the decisions topic last said: the claim lifecycle's {@link ClaimStatus} as the leases
 * API groups it, with succeeded and failed together as completed.
 */
public enum LeaseState {
    /** Granted or renewed, and neither released, completed nor announced expired. */
    ACTIVE,
    /** Its holder stopped renewing and the lease ran out ({@code LeaseExpired}). */
    EXPIRED,
    /** Its holder gave it back ({@code LeaseReleased}). */
    RELEASED,
    /** Its holder reported the work's outcome ({@code ClaimCompleted}): succeeded or failed. */
    COMPLETED;

    /** The state a lease whose claim stands at {@code status} is listed in. */
    public static LeaseState of(ClaimStatus status) {
        return switch (status) {
            case ACTIVE -> ACTIVE;
            case EXPIRED -> EXPIRED;
            case RELEASED -> RELEASED;
            case SUCCEEDED, FAILED -> COMPLETED;
        };
    }

    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static LeaseState parse(String text) {
        for (var state : values()) {
            if (state.label().equals(text == null ? "" : text.strip().toLowerCase(Locale.ROOT))) {
                return state;
            }
        }
        throw new InvalidQueryException(
                "state",
                "enum",
                "state must be \"active\", \"expired\", \"released\" or \"completed\"; got \"" + text + "\"");
    }
}
