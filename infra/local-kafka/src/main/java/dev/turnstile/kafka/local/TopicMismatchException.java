package dev.turnstile.kafka.local;

/**
 * A topic exists but differs from what Turnstile needs (partition count or a topic config). Turnstile never
 * changes an existing topic itself; the message says what the operator can do.
 */
public final class TopicMismatchException extends TopicProvisioningException {

    private static final long serialVersionUID = 1L;

    private final String topic;
    private final String property;
    private final String expected;
    private final String actual;

    TopicMismatchException(String topic, String property, String expected, String actual, String message) {
        super(message, null);
        this.topic = topic;
        this.property = property;
        this.expected = expected;
        this.actual = actual;
    }

    /** The topic that differs. */
    public String topic() {
        return topic;
    }

    /** What differs: {@code partitions}, or the name of a topic config such as {@code retention.ms}. */
    public String property() {
        return property;
    }

    /** The value Turnstile needs. */
    public String expected() {
        return expected;
    }

    /** The value the topic has. */
    public String actual() {
        return actual;
    }
}
