package dev.turnstile.contracts.job;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/** Where a job stands. Machine-readable on the wire ({@code waiting}, {@code failed_will_retry}, …). */
public enum JobState {
    /** Enqueued to run later ({@code runAt} or {@code delaySeconds}); becomes waiting when that time comes. */
    @JsonProperty("delayed")
    DELAYED,
    /** Ready to be claimed: handed out by priority (higher first), then in the order jobs became waiting. */
    @JsonProperty("waiting")
    WAITING,
    /** Claimed by a worker, whose lease runs until it heartbeats, completes, fails or the lease runs out. */
    @JsonProperty("active")
    ACTIVE,
    /** The worker reported success. Final. */
    @JsonProperty("succeeded")
    SUCCEEDED,
    /** An attempt failed (or its lease ran out) and attempts remain: waiting again once the backoff ends. */
    @JsonProperty("failed_will_retry")
    FAILED_WILL_RETRY,
    /** The last allowed attempt failed, or a failure was not retryable. Final unless an operator retries it. */
    @JsonProperty("dead")
    DEAD,
    /** An operator cancelled it. Final: never handed out again. */
    @JsonProperty("cancelled")
    CANCELLED;

    /** The name on the wire, e.g. {@code failed_will_retry}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the job is done: succeeded, dead or cancelled. Its dedup key is free again. */
    public boolean finished() {
        return switch (this) {
            case SUCCEEDED, DEAD, CANCELLED -> true;
            case DELAYED, WAITING, ACTIVE, FAILED_WILL_RETRY -> false;
        };
    }
}
