package dev.turnstile.contracts.claim;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;
import java.util.Optional;

/** How long a grant lasts. */
public enum ClaimMode {
    /** The grant never expires: one agent runs the task for this commit, ever (unless it releases or fails over). */
    @JsonProperty("once")
    ONCE,
    /** The grant lasts its TTL unless renewed; a holder that stops renewing loses it, and the next claimer wins. */
    @JsonProperty("lease")
    LEASE;

    /** The name on the wire: {@code once} or {@code lease}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The mode named {@code value} on the wire, if any. */
    public static Optional<ClaimMode> fromWireName(String value) {
        for (var mode : values()) {
            if (mode.wireName().equals(value)) {
                return Optional.of(mode);
            }
        }
        return Optional.empty();
    }
}
