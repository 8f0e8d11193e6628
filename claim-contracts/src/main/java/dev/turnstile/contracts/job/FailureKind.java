package dev.turnstile.contracts.job;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How an attempt failed. */
public enum FailureKind {
    /** The worker reported the failure. */
    @JsonProperty("worker_failed")
    WORKER_FAILED,
    /** The worker's lease ran out without a heartbeat: a stuck job. */
    @JsonProperty("lease_expired")
    LEASE_EXPIRED
}
