package dev.turnstile.kafka.local;

import dev.turnstile.contracts.topic.ClaimTopics;
import dev.turnstile.contracts.topic.JobTopics;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
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
 * <p>One node of a cluster of several (each broker and controller, static KRaft voters), as {@code bin/turnstile up
 * --profile cluster} starts three:
 *
 * <pre>
 * ... LocalKafkaMain --node-id 1 --quorum-voters 1@127.0.0.1:19431,2@127.0.0.1:19432,3@127.0.0.1:19433
 *     --cluster-id &lt;22 characters&gt; --port 19421 --controller-port 19431 --replication-factor 3 --health-port 18421
 * </pre>
 *
 * <p>With {@code --replication-factor 3} every topic, internal ones included, has 3 replicas and
 * {@code min.insync.replicas=2}; the topics are created once that many brokers have registered. With
 * {@code --health-port} the node answers {@code GET /health} (see {@link BrokerHealthEndpoint}).
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

    @Option(
            names = "--node-id",
            paramLabel = "ID",
            description = "This node's id in its cluster (default: ${DEFAULT-VALUE}).")
    int nodeId = LocalKafkaBroker.NODE_ID;

    @Option(
            names = "--quorum-voters",
            paramLabel = "VOTERS",
            description = "The cluster's KRaft controllers,"
                    + " id@host:port,... (every node is a broker and a controller). Unset: this node alone.")
    String quorumVoters;

    @Option(
            names = "--cluster-id",
            paramLabel = "ID",
            description = "Cluster id to format a new data directory"
                    + " with; the same on every node of a cluster. Unset: a random one.")
    String clusterId;

    @Option(
            names = "--replication-factor",
            paramLabel = "N",
            description = "Replicas of every topic, internal"
                    + " ones included; above 1, min.insync.replicas is 2 (default: ${DEFAULT-VALUE}).")
    short replicationFactor = ClaimTopicsProvisioner.LOCAL_REPLICATION_FACTOR;

    @Option(
            names = "--health-port",
            paramLabel = "PORT",
            description =
                    "Answer GET /health on this port of" + " 127.0.0.1 (0: no endpoint; default: ${DEFAULT-VALUE}).")
    int healthPort;

    @Option(
            names = "--broker-property",
            paramLabel = "NAME=VALUE",
            description = "Any other broker property" + " (repeatable).")
    Map<String, String> brokerProperties = new LinkedHashMap<>();

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
        var builder = LocalKafkaBroker.builder()
                .dataDirectory(dataDirectory)
                .clientPort(port)
                .controllerPort(controllerPort)
                .nodeId(nodeId)
                .brokerProperties(replicationProperties(replicationFactor))
                .brokerProperties(brokerProperties);
        if (quorumVoters != null) {
            builder.quorumVoters(quorumVoters);
            // A node cannot be ready before a majority of controllers is up: give a cluster started at once longer.
            builder.startupTimeout(java.time.Duration.ofMinutes(3));
        }
        if (clusterId != null) {
            builder.clusterId(clusterId);
        }
        return builder.build();
    }

    /**
     * Creates the topics, or checks them. The nodes of a cluster started together all do it at once; a node that reads
     * a topic another has just created may be told its configs are not there yet: that is retried.
     */
    private void provisionTopics(LocalKafkaBroker broker) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try (ClaimTopicsProvisioner topics = ClaimTopicsProvisioner.connect(broker.bootstrapServers())) {
                if (replicationFactor > 1) {
                    topics.awaitBrokers(replicationFactor, java.time.Duration.ofMinutes(3));
                }
                topics.ensureClaimTopics(ClaimTopics.DEFAULT, partitions, replicationFactor);
                topics.ensureJobTopics(JobTopics.DEFAULT, partitions, replicationFactor);
                return;
            } catch (TopicProvisioningException e) {
                if (attempt == 5 || quorumVoters == null) {
                    throw e;
                }
                Thread.sleep(2000);
            }
        }
    }

    /**
     * Broker properties for topics with this many replicas: internal topics (consumer offsets, transactions, share
     * groups) and new topics get them, and above one replica a write needs two in sync ({@code acks=all}) — the
     * production setting, which survives one broker down without refusing writes. A broker that stops answering (a
     * crash, a pause) is fenced by the controllers after its session of 4 s and leaves every in-sync replica set then,
     * so writes resume within seconds instead of the 30 s of Kafka's default replica lag.
     */
    static Map<String, String> replicationProperties(short replicationFactor) {
        if (replicationFactor <= 1) {
            return Map.of();
        }
        var rf = Short.toString(replicationFactor);
        var minIsr = Integer.toString(Math.min(2, replicationFactor));
        var properties = new LinkedHashMap<String, String>();
        properties.put("default.replication.factor", rf);
        properties.put("min.insync.replicas", minIsr);
        properties.put("offsets.topic.replication.factor", rf);
        properties.put("transaction.state.log.replication.factor", rf);
        properties.put("transaction.state.log.min.isr", minIsr);
        properties.put("share.coordinator.state.topic.replication.factor", rf);
        properties.put("share.coordinator.state.topic.min.isr", minIsr);
        properties.put("broker.session.timeout.ms", "4000");
        properties.put("broker.heartbeat.interval.ms", "500");
        properties.put("replica.lag.time.max.ms", "10000");
        properties.put("unclean.leader.election.enable", "false");
        return properties;
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
        BrokerHealthEndpoint health =
                healthPort == 0 ? null : BrokerHealthEndpoint.start(broker, healthPort, replicationFactor);
        if (health != null) {
            Runtime.getRuntime().addShutdownHook(new Thread(health::close, "local-kafka-health-shutdown"));
        }
        broker.start();
        provisionTopics(broker);
        if (health != null) {
            health.topicsReady();
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("Kafka is ready at " + broker.bootstrapServers() + " (cluster " + broker.clusterId() + ", data in "
                + broker.dataDirectory() + "). Press Ctrl-C to stop.");
        out.flush();
        stopped.await();
        return 0;
    }
}
