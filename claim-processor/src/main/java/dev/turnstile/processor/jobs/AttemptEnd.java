package dev.turnstile.processor.jobs;

/** How a job's last attempt ended: what its worker is told when it presents that attempt's token again. */
public enum AttemptEnd {
    SUCCEEDED,
    FAILED,
    LEASE_EXPIRED,
    CANCELLED
}
