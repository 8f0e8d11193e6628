package dev.turnstile.contracts.job;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/** Why a claim-next got no job; machine-readable on the wire. */
public enum NoJobReason {
    /** No job is waiting (and the request asked not to wait). */
    @JsonProperty("queue_empty")
    QUEUE_EMPTY,
    /** The queue is paused (and the request asked not to wait). */
    @JsonProperty("queue_paused")
    QUEUE_PAUSED,
    /** As many jobs as the queue's concurrency allows are active (and the request asked not to wait). */
    @JsonProperty("concurrency_limit")
    CONCURRENCY_LIMIT,
    /** The request waited its {@code waitSeconds} and no job came. Ask again. */
    @JsonProperty("wait_expired")
    WAIT_EXPIRED,
    /** Too many claim-next requests are already waiting on this queue; ask again later. */
    @JsonProperty("too_many_waiters")
    TOO_MANY_WAITERS;

    /** The name on the wire. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
