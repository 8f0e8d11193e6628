package dev.turnstile.kafka.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apache Kafka broker (KRaft, combined broker and controller, one node) running inside this JVM, listening on
 * 127.0.0.1 only.
 *
 * <p>On {@link #start()} the data directory is formatted if it is new (the cluster id is kept in its
 * {@code meta.properties}), so a broker started again on the same directory keeps its topics and records. The
 * configuration is tuned for one node on a small machine: internal topics with replication factor and min ISR 1
 * (otherwise consumer groups, transactions and Kafka Streams wait forever for their coordinator), no initial
 * rebalance delay, a small log-cleaner buffer and thread pools, a short broker session (a restart after a crash is
 * not held up waiting for the dead broker's session to end), no automatic topic creation.
 *
 * <pre>{@code
 * try (LocalKafkaBroker broker = LocalKafkaBroker.builder()
 *         .dataDirectory(Path.of(".data/kafka"))
 *         .clientPort(0)          // 0: any free port
 *         .controllerPort(0)
 *         .start()) {
 *     String bootstrapServers = broker.bootstrapServers(); // "127.0.0.1:40123"
 * }
 * }</pre>
 *
 * <p>Failures are {@link LocalKafkaException}s whose message says what to do: {@link PortInUseException} names the
 * port and how to choose another, {@link IncompatibleDataDirectoryException} names the directory to delete.
 *
 * <p>An instance starts once; to restart, close it and build a new one on the same data directory. This class is
 * thread-safe.
 */
public final class LocalKafkaBroker implements AutoCloseable {

    /** Where the all-in-one launcher keeps broker data, relative to the working directory. */
    public static final Path DEFAULT_DATA_DIRECTORY = Path.of(".data", "kafka");

    /** The usual Kafka client port. */
    public static final int DEFAULT_CLIENT_PORT = 9092;

    /** The usual KRaft controller port. */
    public static final int DEFAULT_CONTROLLER_PORT = 9093;

    /** Formatting, starting and answering a first client request must fit in this unless told otherwise. */
    public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(60);

    /** The node id of a single-node broker; written into {@code meta.properties} when formatting. */
    static final int NODE_ID = 1;

    /** The address the broker listens on (loopback only). */
    public static final String HOST = "127.0.0.1";

    private static final String CLIENT_LISTENER = "PLAINTEXT";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";

    /** Directory KRaft keeps the metadata log in, inside the data directory. */
    private static final String METADATA_LOG_DIR_NAME = "__cluster_metadata-0";

    /** Picked free ports can be taken by someone else before Kafka binds them; retry that many times. */
    private static final int FREE_PORT_ATTEMPTS = 3;

    /** Broker properties this class derives from the builder; letting callers override them would break it. */
    private static final Set<String> OWN_PROPERTIES = Set.of(
            "process.roles",
            "node.id",
            "broker.id",
            "controller.quorum.voters",
            "controller.quorum.bootstrap.servers",
            "listeners",
            "advertised.listeners",
            "listener.security.protocol.map",
            "controller.listener.names",
            "inter.broker.listener.name",
            "log.dirs",
            "log.dir",
            "metadata.log.dir",
            "server.max.startup.time.ms");

    private static final Logger log = LoggerFactory.getLogger(LocalKafkaBroker.class);

    private final Path dataDirectory;
    private final int requestedClientPort;
    private final int requestedControllerPort;
    private final Map<String, String> extraProperties;
    private final Duration startupTimeout;
    private final int nodeId;
    private final String quorumVoters;
    private final String requestedClusterId;

    private State state = State.NEW;
    private KafkaRaftServer server;
    private Ports ports;
    private String clusterId;

    private enum State {
        NEW,
        RUNNING,
        CLOSED
    }

    private record Ports(int client, int controller) {}

    private LocalKafkaBroker(Builder builder) {
        this.dataDirectory = builder.dataDirectory.toAbsolutePath().normalize();
        this.requestedClientPort = builder.clientPort;
        this.requestedControllerPort = builder.controllerPort;
        this.extraProperties = Map.copyOf(builder.brokerProperties);
        this.startupTimeout = builder.startupTimeout;
        this.nodeId = builder.nodeId;
        this.quorumVoters = builder.quorumVoters;
        this.requestedClusterId = builder.clusterId;
    }

    /** A builder with the defaults: {@link #DEFAULT_DATA_DIRECTORY}, ports 9092 and 9093, 60 s to start. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Formats the data directory if it is new, starts the broker and returns once a Kafka client (an Admin
     * {@code describeCluster}) gets an answer from it.
     *
     * @return this broker, running
     * @throws PortInUseException if the client or controller port is taken
     * @throws IncompatibleDataDirectoryException if the data directory holds something this broker cannot use
     * @throws LocalKafkaException if the broker fails to start or is not ready within the startup timeout
     * @throws IllegalStateException if this instance was started before
     */
    public synchronized LocalKafkaBroker start() {
        if (state != State.NEW) {
            throw new IllegalStateException("This LocalKafkaBroker was started before. Build a new one to restart "
                    + "(on the same data directory, " + dataDirectory + ", to keep the data).");
        }
        long startedAt = System.nanoTime();
        long deadline = startedAt + startupTimeout.toNanos();
        // Ports first: a taken port should fail fast, before a new data directory is formatted.
        Ports chosen = choosePorts();
        clusterId = prepareDataDirectory();
        for (int attempt = 1; server == null; attempt++) {
            try {
                server = launch(chosen, deadline);
                ports = chosen;
            } catch (PortInUseException e) {
                boolean portsWerePicked = requestedClientPort == 0 || requestedControllerPort == 0;
                if (!portsWerePicked || attempt == FREE_PORT_ATTEMPTS) {
                    throw e;
                }
                log.warn(
                        "Port {} was taken between picking it and binding it; retrying with other free ports",
                        e.port());
                chosen = choosePorts();
            }
        }
        try {
            awaitReady(deadline);
        } catch (RuntimeException e) {
            stopServer();
            ports = null;
            throw e;
        }
        state = State.RUNNING;
        log.info(
                "Kafka broker ready at {} in {} ms (cluster {}, data in {})",
                bootstrapServers(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt),
                clusterId,
                dataDirectory);
        return this;
    }

    /** The address clients connect to, {@code 127.0.0.1:<client port>}. Only while running. */
    public synchronized String bootstrapServers() {
        requireStarted();
        return HOST + ":" + ports.client();
    }

    /** The port Kafka clients connect to (the one picked, if the builder said 0). Only while running. */
    public synchronized int clientPort() {
        requireStarted();
        return ports.client();
    }

    /** The port of the KRaft controller listener (the one picked, if the builder said 0). Only while running. */
    public synchronized int controllerPort() {
        requireStarted();
        return ports.controller();
    }

    /** The cluster id stored in the data directory's {@code meta.properties}. Only after {@link #start()}. */
    public synchronized String clusterId() {
        if (clusterId == null) {
            throw new IllegalStateException("The cluster id is known once the broker has started; call start().");
        }
        return clusterId;
    }

    /** The data directory, absolute. */
    public Path dataDirectory() {
        return dataDirectory;
    }

    /** Whether {@link #start()} succeeded and {@link #close()} has not been called yet. */
    public synchronized boolean isRunning() {
        return state == State.RUNNING;
    }

    /**
     * Shuts the broker down and waits until it has stopped, so the data directory can be used again at once.
     * Does nothing if the broker is not running.
     */
    @Override
    public synchronized void close() {
        if (state != State.RUNNING) {
            state = State.CLOSED;
            return;
        }
        long stoppingAt = System.nanoTime();
        state = State.CLOSED;
        stopServer();
        log.info(
                "Kafka broker on port {} stopped in {} ms",
                ports.client(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stoppingAt));
    }

    private void requireStarted() {
        if (ports == null || state == State.CLOSED) {
            throw new IllegalStateException("The broker is not running; call start() first (and not after close()).");
        }
    }

    // --- data directory ---------------------------------------------------------------------------------------

    /** Checks the data directory is ours, formats it if new, and returns its cluster id. */
    private String prepareDataDirectory() {
        if (Files.exists(dataDirectory) && !Files.isDirectory(dataDirectory)) {
            throw incompatible(
                    dataDirectory + " is a file, but the local Kafka broker needs a data directory there.", null);
        }
        Path metaProperties = dataDirectory.resolve("meta.properties");
        if (Files.isRegularFile(metaProperties)) {
            return verifyFormatted(metaProperties);
        }
        if (hasEntries(dataDirectory)) {
            throw incompatible(
                    "Data directory " + dataDirectory + " is not empty but has no Kafka meta.properties: it"
                            + " is not a Kafka data directory, or formatting it was interrupted.",
                    null);
        }
        return format();
    }

    private String verifyFormatted(Path metaProperties) {
        Properties meta = new Properties();
        try (InputStream in = Files.newInputStream(metaProperties)) {
            meta.load(in);
        } catch (IOException e) {
            throw incompatible("Could not read " + metaProperties + " (" + e.getMessage() + ").", e);
        }
        String version = meta.getProperty("version");
        String nodeId = meta.getProperty("node.id");
        String storedClusterId = meta.getProperty("cluster.id");
        if (!"1".equals(version)) {
            throw incompatible(
                    "Data directory " + dataDirectory + " was written by a ZooKeeper-based Kafka"
                            + " (meta.properties version " + version + "); this broker runs in KRaft mode.",
                    null);
        }
        if (!Integer.toString(this.nodeId).equals(nodeId)) {
            throw incompatible(
                    "Data directory " + dataDirectory + " belongs to Kafka node " + nodeId + " of cluster "
                            + storedClusterId + "; this broker is node " + this.nodeId + ".",
                    null);
        }
        if (requestedClusterId != null && !requestedClusterId.equals(storedClusterId)) {
            throw incompatible(
                    "Data directory " + dataDirectory + " belongs to Kafka cluster " + storedClusterId
                            + ", not to cluster " + requestedClusterId + " this node was asked to join.",
                    null);
        }
        if (storedClusterId == null || storedClusterId.isBlank()) {
            throw incompatible(metaProperties + " has no cluster.id.", null);
        }
        if (!Files.isDirectory(dataDirectory.resolve(METADATA_LOG_DIR_NAME))) {
            throw incompatible(
                    "Data directory " + dataDirectory + " belongs to Kafka cluster " + storedClusterId
                            + " but holds no KRaft metadata log (" + METADATA_LOG_DIR_NAME + "): it was a broker-only"
                            + " directory of another cluster.",
                    null);
        }
        log.debug("Reusing data directory {} of cluster {}", dataDirectory, storedClusterId);
        return storedClusterId;
    }

    private String format() {
        String newClusterId = requestedClusterId != null
                ? requestedClusterId
                : Uuid.randomUuid().toString();
        ByteArrayOutputStream formatterOutput = new ByteArrayOutputStream();
        try (PrintStream formatterLog = new PrintStream(formatterOutput, true, StandardCharsets.UTF_8)) {
            Files.createDirectories(dataDirectory);
            new Formatter()
                    .setPrintStream(formatterLog)
                    .setNodeId(nodeId)
                    .setClusterId(newClusterId)
                    .addDirectory(dataDirectory.toString())
                    .setMetadataLogDirectory(dataDirectory.toString())
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .run();
        } catch (Exception e) {
            throw new LocalKafkaException(
                    "Could not format Kafka storage in " + dataDirectory + ": " + e.getMessage()
                            + ". Check that the directory is writable, or pass another data directory.",
                    e);
        }
        log.info("Formatted {} for new Kafka cluster {}", dataDirectory, newClusterId);
        log.debug(
                "Formatter output: {}",
                formatterOutput.toString(StandardCharsets.UTF_8).strip());
        return newClusterId;
    }

    private IncompatibleDataDirectoryException incompatible(String problem, Throwable cause) {
        return new IncompatibleDataDirectoryException(
                dataDirectory,
                problem
                        + " If you do not need its data, delete " + dataDirectory + " and start again (a fresh one is"
                        + " formatted); otherwise choose another data directory (--data-dir, or"
                        + " LocalKafkaBroker.Builder.dataDirectory).",
                cause);
    }

    private static boolean hasEntries(Path directory) {
        if (!Files.isDirectory(directory)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.findAny().isPresent();
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Could not list data directory " + directory + "; check its permissions.", e);
        }
    }

    // --- ports ------------------------------------------------------------------------------------------------

    /**
     * Binds each requested port (or a free one for 0) to prove it is available, then releases them all for Kafka.
     * All are held at once so the two picked ports differ.
     */
    private Ports choosePorts() {
        List<ServerSocket> held = new ArrayList<>(2);
        try {
            int client = hold(requestedClientPort, PortRole.CLIENT, held);
            int controller = hold(requestedControllerPort, PortRole.CONTROLLER, held);
            return new Ports(client, controller);
        } finally {
            for (ServerSocket socket : held) {
                closeProbe(socket);
            }
        }
    }

    private static int hold(int port, PortRole role, List<ServerSocket> held) {
        ServerSocket socket;
        try {
            socket = new ServerSocket();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not open a socket to check port " + port, e);
        }
        try {
            // Same option as Kafka's own listener, so a port in TIME_WAIT counts as free here as it does there.
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(HOST, port));
        } catch (IOException e) {
            closeProbe(socket);
            throw role.inUse(port, e);
        }
        held.add(socket);
        return socket.getLocalPort();
    }

    private static void closeProbe(ServerSocket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            log.debug(
                    "Closing the probe socket on port {} failed; the broker will report it if it matters",
                    socket.getLocalPort(),
                    e);
        }
    }

    /** Which listener a port is for, and how the user chooses another one. */
    private enum PortRole {
        CLIENT("client", "--port", "clientPort"),
        CONTROLLER("controller", "--controller-port", "controllerPort");

        private final String description;
        private final String option;
        private final String builderMethod;

        PortRole(String description, String option, String builderMethod) {
            this.description = description;
            this.option = option;
            this.builderMethod = builderMethod;
        }

        PortInUseException inUse(int port, Throwable cause) {
            return new PortInUseException(
                    port,
                    "Kafka " + description + " port " + port + " on " + HOST
                            + " is already in use (another Kafka broker, or an earlier Turnstile run still going?). Stop the"
                            + " process holding it (`ss -ltnp 'sport = :" + port
                            + "'` shows it) or choose another port: "
                            + option + " <port> on the command line, LocalKafkaBroker.Builder." + builderMethod
                            + "(port) in code; 0 picks a free one.",
                    cause);
        }
    }

    // --- broker lifecycle -------------------------------------------------------------------------------------

    private KafkaRaftServer launch(Ports chosen, long deadline) {
        KafkaConfig config;
        try {
            config = new KafkaConfig(brokerProperties(chosen, deadline), false);
        } catch (RuntimeException e) {
            throw new LocalKafkaException(
                    "Kafka rejected the broker configuration: " + e.getMessage()
                            + ". Check the extra broker properties passed to LocalKafkaBroker.Builder.",
                    e);
        }
        KafkaRaftServer created;
        try {
            created = new KafkaRaftServer(config, Time.SYSTEM);
        } catch (Exception e) {
            throw translateStartupFailure(e, chosen);
        }
        try {
            created.startup();
        } catch (Exception e) {
            shutdownAfterFailedStart(created);
            throw translateStartupFailure(e, chosen);
        }
        return created;
    }

    private Map<String, Object> brokerProperties(Ports chosen, long deadline) {
        String dir = dataDirectory.toString();
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", Integer.toString(nodeId));
        // Static voters (kraft.version 0): the controller addresses live in config, not in the metadata log, so a
        // restart may use other ports. One node votes alone; a cluster's nodes are each given the whole list.
        props.put(
                "controller.quorum.voters",
                quorumVoters != null ? quorumVoters : nodeId + "@" + HOST + ":" + chosen.controller());
        props.put(
                "listeners",
                CLIENT_LISTENER + "://" + HOST + ":" + chosen.client() + "," + CONTROLLER_LISTENER + "://" + HOST + ":"
                        + chosen.controller());
        props.put("advertised.listeners", CLIENT_LISTENER + "://" + HOST + ":" + chosen.client());
        props.put(
                "listener.security.protocol.map", CLIENT_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        props.put("controller.listener.names", CONTROLLER_LISTENER);
        props.put("inter.broker.listener.name", CLIENT_LISTENER);
        props.put("log.dirs", dir);
        props.put("metadata.log.dir", dir);
        long remainingMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        props.put("server.max.startup.time.ms", Long.toString(remainingMs));

        // One node: internal topics cannot have more replicas or in-sync replicas than that, or their
        // coordinators (consumer groups, transactions, share groups, so Kafka Streams too) never come up.
        props.put("offsets.topic.replication.factor", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        // 50 partitions each (the defaults) buy one broker nothing and slow the first group join and transaction.
        props.put("offsets.topic.num.partitions", "4");
        props.put("transaction.state.log.num.partitions", "4");
        props.put("share.coordinator.state.topic.num.partitions", "4");
        // Nobody else will join within 3 s (the default wait); it only delays every test and every restart.
        props.put("group.initial.rebalance.delay.ms", "0");
        // The 128 MiB default is allocated up front and exhausts the small heaps of tests and the launcher.
        props.put("log.cleaner.dedupe.buffer.size", "8388608");
        // After a crash the controller keeps the dead broker's registration until its session times out, and refuses
        // the restarted broker until then: 9 s of every restart. The heartbeat goes to a controller in the same
        // process, so a short session costs nothing; 3 s still rides out a long GC pause.
        props.put("broker.session.timeout.ms", "3000");
        props.put("broker.heartbeat.interval.ms", "500");
        // After a crash the broker re-reads every log from its last recovery point, and Kafka never flushes by itself:
        // everything written since the start was scanned again (seconds per hundred MB). Flushing each second and
        // recording the recovery point every 5 s bounds that to the last few seconds, and bounds what a power loss
        // can take from this one-replica broker the same way.
        props.put("log.flush.interval.ms", "1000");
        props.put("log.flush.scheduler.interval.ms", "1000");
        props.put("log.flush.offset.checkpoint.interval.ms", "5000");
        // One node serving one application on a small machine: Kafka's thread pools are sized for big brokers
        // (8 request handlers, 3 network threads, 10 background threads), each with its stack and buffers.
        props.put("num.io.threads", "4");
        props.put("num.network.threads", "2");
        props.put("background.threads", "4");
        // Topics are provisioned explicitly with the partition count the processor relies on.
        props.put("auto.create.topics.enable", "false");

        props.putAll(extraProperties);
        return props;
    }

    private LocalKafkaException translateStartupFailure(Exception failure, Ports chosen) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage());
            if (t instanceof BindException || message.contains("Address already in use")) {
                boolean controller = message.contains(":" + chosen.controller());
                return controller
                        ? PortRole.CONTROLLER.inUse(chosen.controller(), failure)
                        : PortRole.CLIENT.inUse(chosen.client(), failure);
            }
            if (message.contains("Failed to acquire lock")) {
                return new LocalKafkaException(
                        "Data directory " + dataDirectory + " is in use by another Kafka"
                                + " broker (another Turnstile launcher or LocalKafkaMain?). Stop that broker, or choose"
                                + " another data directory.",
                        failure);
            }
            String type = t.getClass().getSimpleName();
            if (type.startsWith("Inconsistent")
                    || message.contains("meta.properties")
                    || message.contains("metadata.version")
                    || message.contains("MetadataVersion")) {
                return incompatible("Kafka cannot use data directory " + dataDirectory + ": " + message + ".", failure);
            }
        }
        return new LocalKafkaException(
                "Kafka broker failed to start on data directory " + dataDirectory + ": "
                        + failure.getMessage()
                        + ". If that directory was written by another Kafka version or is damaged,"
                        + " and you do not need its data, delete it and start again.",
                failure);
    }

    private static void shutdownAfterFailedStart(KafkaRaftServer failed) {
        try {
            failed.shutdown();
            failed.awaitShutdown();
        } catch (RuntimeException e) {
            log.warn("Cleaning up after a failed broker start also failed; the start failure follows", e);
        }
    }

    private void stopServer() {
        KafkaRaftServer stopping = server;
        server = null;
        if (stopping != null) {
            stopping.shutdown();
            stopping.awaitShutdown();
        }
    }

    /** Polls until the broker, seen by a real client, is registered and unfenced: only then can it host topics. */
    private void awaitReady(long deadline) {
        Properties adminConfig = new Properties();
        adminConfig.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, HOST + ":" + ports.client());
        adminConfig.put(AdminClientConfig.CLIENT_ID_CONFIG, "local-kafka-readiness");
        adminConfig.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        Exception lastFailure = null;
        try (Admin admin = Admin.create(adminConfig)) {
            while (true) {
                long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (remainingMs <= 0) {
                    throw new LocalKafkaException(
                            "Kafka broker at " + HOST + ":" + ports.client()
                                    + " did not answer a client within the startup timeout of "
                                    + startupTimeout.toSeconds()
                                    + " s (data in " + dataDirectory + "). The machine may be busy: raise it with"
                                    + " LocalKafkaBroker.Builder.startupTimeout, and check the kafka.* log for errors.",
                            lastFailure);
                }
                try {
                    int timeoutMs = (int) Math.min(remainingMs, 5_000);
                    Collection<Node> brokers = admin.describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMs))
                            .nodes()
                            .get(timeoutMs, TimeUnit.MILLISECONDS);
                    if (brokers.stream().anyMatch(node -> node.id() == nodeId)) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    lastFailure = e;
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalKafkaException("Interrupted while waiting for the Kafka broker to become ready.", e);
        }
    }

    /**
     * Options for a {@link LocalKafkaBroker}. Ports are 0 for "any free port"; two fixed ports must differ.
     */
    public static final class Builder {

        private Path dataDirectory = DEFAULT_DATA_DIRECTORY;
        private int clientPort = DEFAULT_CLIENT_PORT;
        private int controllerPort = DEFAULT_CONTROLLER_PORT;
        private final Map<String, String> brokerProperties = new LinkedHashMap<>();
        private Duration startupTimeout = DEFAULT_STARTUP_TIMEOUT;
        private int nodeId = NODE_ID;
        private String quorumVoters;
        private String clusterId;

        private Builder() {}

        /**
         * This node's id in a cluster of several (default 1, alone). Each node of a cluster has its own id, its own
         * data directory and ports, and the same {@link #quorumVoters} and {@link #clusterId}.
         */
        public Builder nodeId(int nodeId) {
            if (nodeId < 0) {
                throw new IllegalArgumentException("nodeId must be 0 or more, was " + nodeId);
            }
            this.nodeId = nodeId;
            return this;
        }

        /**
         * The KRaft controller quorum of a cluster, {@code id@host:port,...} (Kafka's
         * {@code controller.quorum.voters}); every node is a broker and a controller. Unset: this node alone.
         */
        public Builder quorumVoters(String quorumVoters) {
            if (quorumVoters == null || !quorumVoters.matches("\\d+@[^,@]+:\\d+(,\\d+@[^,@]+:\\d+)*")) {
                throw new IllegalArgumentException(
                        "quorumVoters must look like 1@127.0.0.1:19431,2@127.0.0.1:19432," + " was " + quorumVoters);
            }
            this.quorumVoters = quorumVoters;
            return this;
        }

        /**
         * The cluster id to format a new data directory with (every node of a cluster needs the same one, e.g. from
         * {@code kafka-storage.sh random-uuid}); an existing directory must already belong to it. Unset: a new random
         * id for a new directory.
         */
        public Builder clusterId(String clusterId) {
            if (clusterId == null || clusterId.isBlank()) {
                throw new IllegalArgumentException("clusterId must not be blank");
            }
            this.clusterId = clusterId;
            return this;
        }

        /** Where topics, records and the cluster id live; created and formatted if missing. */
        public Builder dataDirectory(Path dataDirectory) {
            if (dataDirectory == null) {
                throw new IllegalArgumentException("dataDirectory must not be null");
            }
            this.dataDirectory = dataDirectory;
            return this;
        }

        /** Port for Kafka clients on 127.0.0.1; 0 picks a free one. */
        public Builder clientPort(int clientPort) {
            this.clientPort = checkPort(clientPort, "clientPort");
            return this;
        }

        /** Port for the KRaft controller listener on 127.0.0.1; 0 picks a free one. */
        public Builder controllerPort(int controllerPort) {
            this.controllerPort = checkPort(controllerPort, "controllerPort");
            return this;
        }

        /**
         * An extra broker property, applied over this class's defaults (e.g. {@code log.retention.hours}).
         * Listener, directory and node identity properties are derived from the other options and refused here.
         */
        public Builder brokerProperty(String name, String value) {
            if (OWN_PROPERTIES.contains(name)) {
                throw new IllegalArgumentException("Broker property " + name + " is set by LocalKafkaBroker itself;"
                        + " use the builder's dataDirectory/clientPort/controllerPort/startupTimeout instead.");
            }
            if (value == null) {
                throw new IllegalArgumentException("Broker property " + name + " needs a value");
            }
            brokerProperties.put(name, value);
            return this;
        }

        /** Several extra broker properties; see {@link #brokerProperty(String, String)}. */
        public Builder brokerProperties(Map<String, String> properties) {
            properties.forEach(this::brokerProperty);
            return this;
        }

        /** How long formatting, starting and the first client answer may take together. */
        public Builder startupTimeout(Duration startupTimeout) {
            if (startupTimeout == null || startupTimeout.isNegative() || startupTimeout.isZero()) {
                throw new IllegalArgumentException("startupTimeout must be positive, was " + startupTimeout);
            }
            this.startupTimeout = startupTimeout;
            return this;
        }

        /** A broker with these options, not started yet. */
        public LocalKafkaBroker build() {
            if (clientPort != 0 && clientPort == controllerPort) {
                throw new IllegalArgumentException("clientPort and controllerPort are both " + clientPort
                        + "; give them different ports, or 0 to pick free ones.");
            }
            return new LocalKafkaBroker(this);
        }

        /** Builds and {@linkplain LocalKafkaBroker#start() starts} a broker. */
        public LocalKafkaBroker start() {
            return build().start();
        }

        private static int checkPort(int port, String name) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException(name + " must be between 0 (any free port) and 65535, was " + port);
            }
            return port;
        }
    }
}
