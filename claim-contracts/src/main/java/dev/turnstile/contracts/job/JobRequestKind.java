package dev.turnstile.contracts.job;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/** What a refused request asked; machine-readable on the wire ({@code claim_next}, {@code heartbeat}, …). */
public enum JobRequestKind {
    @JsonProperty("enqueue")
    ENQUEUE,
    @JsonProperty("claim_next")
    CLAIM_NEXT,
    @JsonProperty("heartbeat")
    HEARTBEAT,
    @JsonProperty("complete")
    COMPLETE,
    @JsonProperty("fail")
    FAIL,
    @JsonProperty("logs")
    LOGS,
    @JsonProperty("artifact")
    ARTIFACT,
    @JsonProperty("cancel")
    CANCEL,
    @JsonProperty("retry")
    RETRY,
    @JsonProperty("delete")
    DELETE,
    @JsonProperty("pause")
    PAUSE,
    @JsonProperty("resume")
    RESUME,
    @JsonProperty("configure")
    CONFIGURE;

    /** The name on the wire, e.g. {@code claim_next}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
