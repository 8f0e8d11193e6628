package dev.turnstile.allinone;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.common.utils.Exit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens when the in-process Kafka broker gives up. Kafka halts the JVM when all its log directories have
 * failed (a full disk, an I/O error) or on a fatal metadata error; in the all-in-one that takes the claim API with
 * it. This says why in one clear line and exits with a code of our own, so that a supervisor (systemd, Kubernetes)
 * restarts the process once the cause is fixed. Every claim the gateway acknowledged was appended before its answer,
 * so a restart on the same data keeps it.
 */
final class BrokerFailureExit {

    private static final Logger log = LoggerFactory.getLogger(BrokerFailureExit.class);

    private BrokerFailureExit() {}

    /** Replaces Kafka's exit and halt procedures for this JVM (there is one broker in it). */
    static void install(Path dataDirectory, int exitCode) {
        Exit.Procedure exit = (kafkaStatus, kafkaMessage) -> {
            log.error(
                    "The local Kafka broker stopped ({}). Free disk space under {}: {}. Exiting with code {} so that a"
                            + " supervisor restarts Turnstile; if the disk is full, free space there first. Claims"
                            + " acknowledged before are kept.",
                    kafkaMessage == null
                            ? "it halted with status " + kafkaStatus + " after the errors above; a failed log directory"
                                    + " does that"
                            : kafkaMessage,
                    dataDirectory,
                    usableSpace(dataDirectory),
                    exitCode);
            // Halt, as Kafka would: a clean shutdown would wait on a broker that can no longer write.
            Runtime.getRuntime().halt(exitCode);
        };
        Exit.setExitProcedure(exit);
        Exit.setHaltProcedure(exit);
    }

    private static String usableSpace(Path directory) {
        try {
            return Files.getFileStore(directory).getUsableSpace() + " bytes";
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }
}
