package dev.turnstile.contracts.job;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/** How the wait before a retry grows with the attempts: not at all, or doubling up to a cap. */
public enum BackoffKind {
    @JsonProperty("fixed")
    FIXED,
    @JsonProperty("exponential")
    EXPONENTIAL;

    /** The name on the wire. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
