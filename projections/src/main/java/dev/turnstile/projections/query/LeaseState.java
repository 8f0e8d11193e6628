package dev.turnstile.projections.query;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Where a lease stands, as the decisions topic last said. */
public enum LeaseState {
    /** Granted or renewed, and neither released, completed nor announced expired. */
    ACTIVE,
    /** Its holder stopped renewing and the lease ran out ({@code LeaseExpired}). */
    EXPIRED,
    /** Its holder gave it back ({@code LeaseReleased}). */
    RELEASED,
    /** Its holder reported the work's outcome ({@code ClaimCompleted}). */
    COMPLETED;

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
        throw new InvalidQueryException("state", "enum",
                "state must be \"active\", \"expired\", \"released\" or \"completed\"; got \"" + text + "\"");
    }
}
