package dev.turnstile.contracts.job;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/** Why a request was refused; machine-readable on the wire ({@code stale_token}, …). Nothing changed. */
public enum JobRefusalReason {
    /** The request id already named a different request on this queue: its retries get its answer, nothing else. */
    @JsonProperty("request_id_reused")
    REQUEST_ID_REUSED,
    /** No job with this id is in the queue (never enqueued, or deleted). */
    @JsonProperty("unknown_job")
    UNKNOWN_JOB,
    /** The fencing token is not the one of the job's current or last attempt: another attempt has started since. */
    @JsonProperty("stale_token")
    STALE_TOKEN,
    /** The token is the current attempt's, but another worker presents it. */
    @JsonProperty("not_holder")
    NOT_HOLDER,
    /** The attempt's lease ran out before this request: the attempt failed with {@code lease_expired}. Stop. */
    @JsonProperty("lease_expired")
    LEASE_EXPIRED,
    /** An operator cancelled the job: stop working on it. */
    @JsonProperty("cancelled")
    CANCELLED,
    /** The attempt already reported success. */
    @JsonProperty("already_completed")
    ALREADY_COMPLETED,
    /** The attempt already reported failure. */
    @JsonProperty("already_failed")
    ALREADY_FAILED,
    /** Not while a worker runs the job (delete): cancel it first, or wait for it to finish. */
    @JsonProperty("job_active")
    JOB_ACTIVE,
    /** The job already finished (succeeded, dead or cancelled): there is nothing to cancel. */
    @JsonProperty("job_finished")
    JOB_FINISHED,
    /** Only a dead job, or one waiting out a backoff, can be retried. */
    @JsonProperty("not_retryable")
    NOT_RETRYABLE,
    /** Retrying would make a second unfinished job with the same dedup key. */
    @JsonProperty("dedup_key_taken")
    DEDUP_KEY_TAKEN,
    /** The queue is already paused. */
    @JsonProperty("already_paused")
    ALREADY_PAUSED,
    /** The queue is not paused. */
    @JsonProperty("not_paused")
    NOT_PAUSED;

    /** The name on the wire, e.g. {@code stale_token}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
