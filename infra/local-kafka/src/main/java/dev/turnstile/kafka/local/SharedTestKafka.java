package dev.turnstile.kafka.local;

import dev.turnstile.contracts.topic.ClaimTopics;
import dev.turnstile.contracts.topic.JobTopics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real Kafka cluster that integration tests in this JVM share. Starting a broker takes seconds, so it is
 * started once, on first use, and stopped (its temporary data directory deleted) when the JVM exits.
 *
 * <p>Tests keep out of each other's way by using fresh topics rather than a fresh broker:
 *
 * <pre>{@code
 * String bootstrapServers = SharedTestKafka.bootstrapServers();
 * ClaimTopics topics = SharedTestKafka.freshClaimTopics();            // claim-requests-<random>, 6 partitions
 * String replay = SharedTestKafka.freshTopic("replay-decisions", 6);  // any other topic
 * }</pre>
 *
 * <p>If the environment variable {@value #BOOTSTRAP_SERVERS_ENV} is set (e.g. {@code broker-1:9092,broker-2:9092}),
 * no broker is started: the same tests run against that cluster instead. Fresh topics are then created there with
 * replication factor 1, so they work on any cluster size.
 *
 * <p>The local broker listens on random free ports on 127.0.0.1. No JUnit dependency: call it from a
 * {@code @BeforeAll}, a Spring {@code @DynamicPropertySource}, or anywhere else.
 */
public final class SharedTestKafka {

    /** Environment variable naming an external cluster to test against instead of a local broker. */
    public static final String BOOTSTRAP_SERVERS_ENV = "TURNSTILE_TEST_BOOTSTRAP_SERVERS";

    private static final Pattern TOPIC_PREFIX = Pattern.compile("[a-zA-Z0-9._-]{1,200}");

    private static final Logger log = LoggerFactory.getLogger(SharedTestKafka.class);

    private static final Object LOCK = new Object();

    /** Guarded by {@link #LOCK}; set once the cluster is known to answer. */
    private static Cluster cluster;

    /** Guarded by {@link #LOCK}; a failed start is not retried, so a hundred tests do not each wait a minute. */
    private static RuntimeException startFailure;

    private record Cluster(String bootstrapServers, ClaimTopicsProvisioner provisioner, boolean external) {}

    private SharedTestKafka() {}

    /**
     * The bootstrap servers of the shared cluster, starting the local broker on first call (unless
     * {@value #BOOTSTRAP_SERVERS_ENV} names an external cluster).
     *
     * @throws LocalKafkaException if the local broker cannot start (again on every later call, without retrying)
     */
    public static String bootstrapServers() {
        return cluster().bootstrapServers();
    }

    /** Whether the tests run against the external cluster named by {@value #BOOTSTRAP_SERVERS_ENV}. */
    public static boolean isExternal() {
        return cluster().external();
    }

    /**
     * Claim topics with names no other test uses ({@code claim-requests-<random>}, {@code claim-decisions-<random>}),
     * created with {@link ClaimTopics#DEFAULT_PARTITIONS} partitions and unlimited retention.
     */
    public static ClaimTopics freshClaimTopics() {
        String suffix = randomSuffix();
        ClaimTopics topics = ClaimTopics.named(
                ClaimTopics.DEFAULT_REQUESTS + "-" + suffix, ClaimTopics.DEFAULT_DECISIONS + "-" + suffix);
        cluster().provisioner().ensureClaimTopics(topics);
        return topics;
    }

    /**
     * Job topics with names no other test uses ({@code job-requests-<random>}, {@code job-events-<random>}), created
     * with {@link JobTopics#DEFAULT_PARTITIONS} partitions and unlimited retention.
     */
    public static JobTopics freshJobTopics() {
        String suffix = randomSuffix();
        JobTopics topics =
                JobTopics.named(JobTopics.DEFAULT_REQUESTS + "-" + suffix, JobTopics.DEFAULT_EVENTS + "-" + suffix);
        cluster()
                .provisioner()
                .ensureJobTopics(topics, JobTopics.DEFAULT_PARTITIONS, ClaimTopicsProvisioner.LOCAL_REPLICATION_FACTOR);
        return topics;
    }

    /** Creates a topic named {@code <prefix>-<random>} with this many partitions and returns its name. */
    public static String freshTopic(String prefix, int partitions) {
        String name = uniqueName(prefix);
        cluster().provisioner().ensureTopic(name, partitions);
        return name;
    }

    /**
     * A name no other test uses, {@code <prefix>-<random>}, for topics a test creates itself, consumer groups or
     * Kafka Streams application ids.
     */
    public static String uniqueName(String prefix) {
        if (prefix == null || !TOPIC_PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("Prefix must be 1-200 of the characters topic names allow"
                    + " (letters, digits, '.', '_', '-'), was " + prefix);
        }
        return prefix + "-" + randomSuffix();
    }

    private static String randomSuffix() {
        byte[] random = new byte[6];
        ThreadLocalRandom.current().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    private static Cluster cluster() {
        synchronized (LOCK) {
            if (cluster != null) {
                return cluster;
            }
            if (startFailure != null) {
                throw new LocalKafkaException(
                        "The shared test Kafka failed to start earlier in this JVM: " + startFailure.getMessage(),
                        startFailure);
            }
            String external = System.getenv(BOOTSTRAP_SERVERS_ENV);
            try {
                cluster = external == null || external.isBlank() ? startLocal() : useExternal(external.strip());
            } catch (RuntimeException e) {
                startFailure = e;
                throw e;
            }
            return cluster;
        }
    }

    private static Cluster useExternal(String bootstrapServers) {
        log.info(
                "Integration tests use the external Kafka cluster at {} ({} is set)",
                bootstrapServers,
                BOOTSTRAP_SERVERS_ENV);
        ClaimTopicsProvisioner provisioner = ClaimTopicsProvisioner.connect(bootstrapServers);
        Runtime.getRuntime().addShutdownHook(new Thread(provisioner::close, "shared-test-kafka-shutdown"));
        return new Cluster(bootstrapServers, provisioner, true);
    }

    private static Cluster startLocal() {
        Path dataDirectory;
        try {
            dataDirectory = Files.createTempDirectory("turnstile-test-kafka-");
        } catch (IOException e) {
            throw new LocalKafkaException(
                    "Could not create a temporary directory for the shared test Kafka (" + e.getMessage()
                            + "); check java.io.tmpdir has space and is writable.",
                    e);
        }
        LocalKafkaBroker broker = LocalKafkaBroker.builder()
                .dataDirectory(dataDirectory)
                .clientPort(0)
                .controllerPort(0)
                .build();
        try {
            broker.start();
        } catch (RuntimeException e) {
            deleteRecursively(dataDirectory);
            throw e;
        }
        ClaimTopicsProvisioner provisioner = ClaimTopicsProvisioner.connect(broker.bootstrapServers());
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            provisioner.close();
                            broker.close();
                            deleteRecursively(dataDirectory);
                        },
                        "shared-test-kafka-shutdown"));
        log.info("Shared test Kafka started at {} (data in {})", broker.bootstrapServers(), dataDirectory);
        return new Cluster(broker.bootstrapServers(), provisioner, false);
    }

    private static void deleteRecursively(Path directory) {
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(directory)) {
            paths = walk.sorted(Comparator.reverseOrder()).toList();
        } catch (IOException e) {
            log.warn("Could not list {} to delete it; delete it by hand ({})", directory, e.toString());
            return;
        }
        for (Path path : paths) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                log.warn("Could not delete {}; it stays in the temporary directory ({})", path, e.toString());
            }
        }
    }
}
