package dev.turnstile.client.jobs;

/**
 * Thrown by a {@link JobHandler} to fail the attempt with a message of its own, and to say whether the job may be
 * retried. Any other exception fails the attempt as retryable.
 */
public final class JobFailure extends Exception {

    private final boolean retryable;

    private JobFailure(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    /** The attempt failed; the job is retried after its backoff while attempts remain. */
    public static JobFailure retryable(String message) {
        return new JobFailure(message, true, null);
    }

    /** The job cannot succeed (bad input, say): it is dead at once, whatever attempts remain. */
    public static JobFailure permanent(String message) {
        return new JobFailure(message, false, null);
    }

    /** As {@link #permanent(String)}, keeping what caused it. */
    public static JobFailure permanent(String message, Throwable cause) {
        return new JobFailure(message, false, cause);
    }

    public boolean isRetryable() {
        return retryable;
    }
}
