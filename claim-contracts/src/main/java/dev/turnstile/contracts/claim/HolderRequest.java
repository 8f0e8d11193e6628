package dev.turnstile.contracts.claim;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/** What a holder asked for in a request that was refused. */
public enum HolderRequest {
    @JsonProperty("renew")
    RENEW,
    @JsonProperty("release")
    RELEASE,
    @JsonProperty("complete")
    COMPLETE;

    /** The name on the wire, e.g. {@code renew}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
