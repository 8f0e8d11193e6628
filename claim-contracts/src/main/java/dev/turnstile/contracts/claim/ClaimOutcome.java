package dev.turnstile.contracts.claim;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;
import java.util.Optional;

/** What the holder reports when its task is done. */
public enum ClaimOutcome {
    @JsonProperty("succeeded")
    SUCCEEDED,
    @JsonProperty("failed")
    FAILED;

    /** The name on the wire: {@code succeeded} or {@code failed}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The outcome named {@code value} on the wire, if any. */
    public static Optional<ClaimOutcome> fromWireName(String value) {
        for (var outcome : values()) {
            if (outcome.wireName().equals(value)) {
                return Optional.of(outcome);
            }
        }
        return Optional.empty();
    }
}
