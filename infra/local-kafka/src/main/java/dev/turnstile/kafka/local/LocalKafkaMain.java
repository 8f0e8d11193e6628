package dev.turnstile.kafka.local;

import dev.turnstile.contracts.topic.ClaimTopics;
import dev.turnstile.contracts.topic.JobTopics;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Runs the local Kafka broker as its own process, with the claim and job topics created, until SIGTERM or Ctrl-C.
 *
 * <pre>
 * java -cp ... dev.turnstile.kafka.local.LocalKafkaMain --data-dir .data/kafka --port 9092 --controller-port 9093
 * </pre>
 *
 * <p>Prints the bootstrap address once clients can connect. Exit code 1 means the broker could not start; the
 * message says why and what to do. The broker logs through SLF4J: put a binding (e.g. slf4j-simple) on the class
 * path to see its log.
 */
@Command(
        name = "local-kafka",
        mixinStandardHelpOptions = true,
        description =
                "Runs a single-node Apache Kafka broker (KRaft) on 127.0.0.1 with Turnstile's claim and job topics.")
public final class LocalKafkaMain implements Callable<Integer> {

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description = "Where topics and records are kept between"
                    + " runs; created and formatted if new (default: ${DEFAULT-VALUE}).")
    Path dataDirectory = LocalKafkaBroker.DEFAULT_DATA_DIRECTORY;

    @Option(
            names = "--port",
            paramLabel = "PORT",
            description = "Port for Kafka clients; 0 picks a free one" + " (default: ${DEFAULT-VALUE}).")
    int port = LocalKafkaBroker.DEFAULT_CLIENT_PORT;

    @Option(
            names = "--controller-port",
            paramLabel = "PORT",
            description = "Port of the KRaft controller" + " listener; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int controllerPort = LocalKafkaBroker.DEFAULT_CONTROLLER_PORT;

    @Option(
            names = "--partitions",
            paramLabel = "N",
            description =
                    "Partitions of the claim and job topics when they are" + " created (default: ${DEFAULT-VALUE}).")
    int partitions = ClaimTopics.DEFAULT_PARTITIONS;

    @Spec
    CommandSpec spec;

    private final CountDownLatch stopped = new CountDownLatch(1);

    /** Entry point; exits with the command's exit code. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with its error handling: known failures print their message, not a stack trace. */
    static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new LocalKafkaMain());
        commandLine.setExecutionExceptionHandler((exception, cmd, parseResult) -> {
            if (exception instanceof LocalKafkaException || exception instanceof TopicProvisioningException) {
                cmd.getErr().println(cmd.getColorScheme().errorText(exception.getMessage()));
                return 1;
            }
            throw exception;
        });
        return commandLine;
    }

    /** The broker these options describe, not started. */
    LocalKafkaBroker broker() {
        return LocalKafkaBroker.builder()
                .dataDirectory(dataDirectory)
                .clientPort(port)
                .controllerPort(controllerPort)
                .build();
    }

    @Override
    public Integer call() throws InterruptedException {
        LocalKafkaBroker broker = broker();
        // Registered before start so Ctrl-C during the seconds of start-up also shuts the broker down cleanly.
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            broker.close();
                            stopped.countDown();
                        },
                        "local-kafka-shutdown"));
        broker.start();
        try (ClaimTopicsProvisioner topics = ClaimTopicsProvisioner.connect(broker.bootstrapServers())) {
            topics.ensureClaimTopics(ClaimTopics.DEFAULT, partitions, ClaimTopicsProvisioner.LOCAL_REPLICATION_FACTOR);
            topics.ensureJobTopics(JobTopics.DEFAULT, partitions, ClaimTopicsProvisioner.LOCAL_REPLICATION_FACTOR);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("Kafka is ready at " + broker.bootstrapServers() + " (cluster " + broker.clusterId() + ", data in "
                + broker.dataDirectory() + "). Press Ctrl-C to stop.");
        out.flush();
        stopped.await();
        return 0;
    }
}
