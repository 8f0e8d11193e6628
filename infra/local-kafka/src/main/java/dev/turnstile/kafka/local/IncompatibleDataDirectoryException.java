package dev.turnstile.kafka.local;

import java.nio.file.Path;

/**
 * The data directory holds something the local broker cannot use: files that are not Kafka's, data of another
 * Kafka node or cluster, or data a different Kafka version wrote. The message names the directory to delete.
 */
public final class IncompatibleDataDirectoryException extends LocalKafkaException {

    private static final long serialVersionUID = 1L;

    private final transient Path directory;

    IncompatibleDataDirectoryException(Path directory, String message, Throwable cause) {
        super(message, cause);
        this.directory = directory;
    }

    /** The offending data directory, absolute. */
    public Path directory() {
        return directory;
    }
}
