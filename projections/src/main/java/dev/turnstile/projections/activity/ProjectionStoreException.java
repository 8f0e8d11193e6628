package dev.turnstile.projections.activity;

/** The projection's RocksDB store failed; the message says which directory and what to do. */
public final class ProjectionStoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    ProjectionStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
