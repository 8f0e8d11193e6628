package dev.turnstile.kafka.local;

/** Topics could not be checked or created; the message says what to do. */
public class TopicProvisioningException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** A failure with a message that tells the reader what to do, and the underlying cause. */
    public TopicProvisioningException(String message, Throwable cause) {
        super(message, cause);
    }
}
