package dev.turnstile.client.jobs;

/**
 * Why a worker stopped a job's work before it finished. The worker reports nothing for a stopped attempt but a
 * {@link Kind#SHUTDOWN}'s failure, so that another worker may take the job.
 *
 * @param kind what happened
 * @param message in words, with the coordinator's sentence when it refused a report
 */
public record StopReason(Kind kind, String message) {

    public enum Kind {
        /** An operator cancelled the job: a heartbeat or report was refused with {@code cancelled}. */
        CANCELLED,
        /**
         * The attempt is no longer this worker's: a report was refused ({@code stale_token}, {@code lease_expired},
         * {@code not_holder}, …), or no heartbeat was confirmed before the lease ran out.
         */
        LEASE_LOST,
        /** The worker shut down before the job finished; the attempt is failed as retryable. */
        SHUTDOWN
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(java.util.Locale.ROOT) + ": " + message;
    }
}
