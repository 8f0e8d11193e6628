package dev.turnstile.projections.jobs;

/** The job read model's store failed; the message says what was being done and what an operator can do. */
public final class JobStoreException extends RuntimeException {

    public JobStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
