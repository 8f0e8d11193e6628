package dev.turnstile.kafka.local;

/** A port the local broker was told to listen on is taken by another process. */
public final class PortInUseException extends LocalKafkaException {

    private static final long serialVersionUID = 1L;

    private final int port;

    PortInUseException(int port, String message, Throwable cause) {
        super(message, cause);
        this.port = port;
    }

    /** The port that is already in use. */
    public int port() {
        return port;
    }
}
