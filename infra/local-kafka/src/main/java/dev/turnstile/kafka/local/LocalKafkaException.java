package dev.turnstile.kafka.local;

/**
 * The local broker could not be started or used. The message says what went wrong and what to do about it; it is
 * meant to be shown to a developer as is, without a stack trace.
 */
public class LocalKafkaException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** A failure with a message that tells the reader what to do. */
    public LocalKafkaException(String message) {
        super(message);
    }

    /** A failure with a message that tells the reader what to do, and the underlying cause. */
    public LocalKafkaException(String message, Throwable cause) {
        super(message, cause);
    }
}
