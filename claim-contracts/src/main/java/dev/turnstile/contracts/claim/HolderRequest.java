package dev.turnstile.contracts.claim;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/**
 * What was asked in a request that was refused: a holder's renew, release or completion, or (refused only for
 * reusing another request's id) a claim.
 */
public enum HolderRequest {
    @JsonProperty("claim")
    CLAIM,
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
