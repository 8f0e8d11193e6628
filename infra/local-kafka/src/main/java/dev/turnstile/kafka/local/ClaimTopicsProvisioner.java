package dev.turnstile.kafka.local;

import dev.turnstile.contracts.topic.ClaimTopics;
import dev.turnstile.contracts.topic.JobTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the topics Turnstile needs if they are missing, and checks the ones that exist. Safe to run on every
 * start: existing topics are left alone, but a topic with another partition count or retention is reported with a
 * {@link TopicMismatchException} instead of being used, because Turnstile's guarantees depend on both.
 *
 * <p>The claim topics ({@link ClaimTopics}) and the job topics ({@link JobTopics}) keep their records forever ({@code retention.ms=-1}): the request log
 * is the source of truth, replayed from offset 0, and the decisions log rebuilds the read models.
 *
 * <pre>{@code
 * try (ClaimTopicsProvisioner topics = ClaimTopicsProvisioner.connect(broker.bootstrapServers())) {
 *     topics.ensureClaimTopics();                          // claim-requests, claim-decisions: 6 partitions
 *     topics.ensureTopic("replay-decisions-" + testId, 6); // any other topic
 * }
 * }</pre>
 *
 * <p>Works against any Kafka cluster; for a replicated one pass the replication factor explicitly.
 */
public final class ClaimTopicsProvisioner implements AutoCloseable {

    /** How long each step (describe, create) may wait for the cluster. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    /** Replication factor of the claim topics on a single local broker. */
    public static final short LOCAL_REPLICATION_FACTOR = 1;

    /** Keeps records forever: the logs are replayed from offset 0. */
    private static final String RETAIN_FOREVER = "-1";

    private static final Logger log = LoggerFactory.getLogger(ClaimTopicsProvisioner.class);

    private final Admin admin;
    private final boolean ownsAdmin;
    private final String clusterDescription;
    private final String bootstrapHint;
    private final Duration timeout;

    private ClaimTopicsProvisioner(Admin admin, boolean ownsAdmin, String bootstrapServers, Duration timeout) {
        this.admin = admin;
        this.ownsAdmin = ownsAdmin;
        this.clusterDescription = bootstrapServers == null ? "the Kafka cluster" : "Kafka at " + bootstrapServers;
        this.bootstrapHint = bootstrapServers == null ? "<bootstrap servers>" : bootstrapServers;
        this.timeout = timeout;
    }

    /** A provisioner that uses the caller's Admin client; {@link #close()} leaves it open. */
    public static ClaimTopicsProvisioner using(Admin admin) {
        return new ClaimTopicsProvisioner(admin, false, null, DEFAULT_TIMEOUT);
    }

    /** A provisioner with its own Admin client for these bootstrap servers; {@link #close()} closes it. */
    public static ClaimTopicsProvisioner connect(String bootstrapServers) {
        return connect(bootstrapServers, DEFAULT_TIMEOUT);
    }

    /**
     * A provisioner with its own Admin client for these bootstrap servers, waiting up to {@code timeout} for each
     * step; {@link #close()} closes the client.
     */
    public static ClaimTopicsProvisioner connect(String bootstrapServers, Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        Properties config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "turnstile-topic-provisioner");
        return new ClaimTopicsProvisioner(Admin.create(config), true, bootstrapServers, timeout);
    }

    /**
     * The specs of the claim topics: requests, decisions and the requests' dead-letter topic, all with the same
     * partition count (the processor writes a key's decisions to the partition number of its request) and
     * unlimited retention (the request log is replayed from offset 0; set-aside records wait for an operator).
     */
    public static List<TopicSpec> claimTopicSpecs(ClaimTopics topics, int partitions, short replicationFactor) {
        return List.of(
                claimTopicSpec(topics.requests().name(), partitions, replicationFactor),
                claimTopicSpec(topics.decisions().name(), partitions, replicationFactor),
                claimTopicSpec(topics.deadLetterTopicName(), partitions, replicationFactor));
    }

    /**
     * The specs of the job topics: requests, events and the requests' dead-letter topic, with the same partition
     * count and unlimited retention as the claim topics, for the same reasons.
     */
    public static List<TopicSpec> jobTopicSpecs(JobTopics topics, int partitions, short replicationFactor) {
        return List.of(
                claimTopicSpec(topics.requests().name(), partitions, replicationFactor),
                claimTopicSpec(topics.events().name(), partitions, replicationFactor),
                claimTopicSpec(topics.deadLetterTopicName(), partitions, replicationFactor));
    }

    private static TopicSpec claimTopicSpec(String name, int partitions, short replicationFactor) {
        return new TopicSpec(
                name, partitions, replicationFactor, Map.of(TopicConfig.RETENTION_MS_CONFIG, RETAIN_FOREVER));
    }

    /**
     * Ensures {@code claim-requests} and {@code claim-decisions} exist with {@link ClaimTopics#DEFAULT_PARTITIONS}
     * partitions and replication factor 1.
     *
     * @return the names of the topics this call created (empty if all existed)
     * @throws TopicMismatchException if an existing topic has another partition count or retention
     */
    public List<String> ensureClaimTopics() {
        return ensureClaimTopics(ClaimTopics.DEFAULT);
    }

    /**
     * Ensures the given claim topics exist with {@link ClaimTopics#DEFAULT_PARTITIONS} partitions and replication
     * factor 1. Tests pass {@code ClaimTopics.named(...)} with fresh names.
     *
     * @return the names of the topics this call created (empty if all existed)
     * @throws TopicMismatchException if an existing topic has another partition count or retention
     */
    public List<String> ensureClaimTopics(ClaimTopics topics) {
        return ensureClaimTopics(topics, ClaimTopics.DEFAULT_PARTITIONS, LOCAL_REPLICATION_FACTOR);
    }

    /**
     * Ensures the given claim topics exist with this partition count and replication factor.
     *
     * @return the names of the topics this call created (empty if all existed)
     * @throws TopicMismatchException if an existing topic has another partition count or retention
     */
    public List<String> ensureClaimTopics(ClaimTopics topics, int partitions, short replicationFactor) {
        return ensureTopics(claimTopicSpecs(topics, partitions, replicationFactor));
    }

    /**
     * Ensures {@code job-requests} and {@code job-events} (and the requests' dead-letter topic) exist with
     * {@link JobTopics#DEFAULT_PARTITIONS} partitions and replication factor 1.
     *
     * @return the names of the topics this call created (empty if all existed)
     * @throws TopicMismatchException if an existing topic has another partition count or retention
     */
    public List<String> ensureJobTopics() {
        return ensureJobTopics(JobTopics.DEFAULT, JobTopics.DEFAULT_PARTITIONS, LOCAL_REPLICATION_FACTOR);
    }

    /**
     * Ensures the given job topics exist with this partition count and replication factor.
     *
     * @return the names of the topics this call created (empty if all existed)
     * @throws TopicMismatchException if an existing topic has another partition count or retention
     */
    public List<String> ensureJobTopics(JobTopics topics, int partitions, short replicationFactor) {
        return ensureTopics(jobTopicSpecs(topics, partitions, replicationFactor));
    }

    /**
     * Ensures a topic with this many partitions exists (replication factor 1, broker default configs), e.g. a
     * replay output topic in a test.
     *
     * @return the names of the topics this call created (empty if it existed)
     * @throws TopicMismatchException if it exists with another partition count
     */
    public List<String> ensureTopic(String name, int partitions) {
        return ensureTopics(List.of(TopicSpec.of(name, partitions)));
    }

    /**
     * Ensures each topic exists as specified: creates the missing ones, checks partition count and the specified
     * configs of the existing ones. Creating a topic that someone else creates at the same moment is fine.
     *
     * @return the names of the topics this call created, in the order given
     * @throws TopicMismatchException if an existing topic differs from its spec
     * @throws TopicProvisioningException if the cluster fails or does not answer in time
     */
    public List<String> ensureTopics(Collection<TopicSpec> specs) {
        Map<String, TopicSpec> byName = new LinkedHashMap<>();
        for (TopicSpec spec : specs) {
            if (byName.put(spec.name(), spec) != null) {
                throw new IllegalArgumentException("Topic " + spec.name() + " is specified twice");
            }
        }
        Map<String, TopicDescription> existing = describeExisting(byName.keySet());
        for (TopicDescription description : existing.values()) {
            verifyPartitions(byName.get(description.name()), description);
        }
        verifyConfigs(existing.keySet().stream().map(byName::get).toList());

        List<TopicSpec> missing = byName.values().stream()
                .filter(spec -> !existing.containsKey(spec.name()))
                .toList();
        return missing.isEmpty() ? List.of() : create(missing);
    }

    /**
     * Waits until the cluster has at least this many brokers registered, e.g. before creating topics with that many
     * replicas while the other nodes of a cluster started at the same moment are still joining.
     *
     * @throws TopicProvisioningException if they are not there within {@code timeout}
     */
    public void awaitBrokers(int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = 0;
        while (System.nanoTime() < deadline) {
            try {
                seen = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size();
                if (seen >= count) {
                    return;
                }
            } catch (ExecutionException | TimeoutException e) {
                log.debug("Brokers not described yet: {}", e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TopicProvisioningException("Interrupted while waiting for " + count + " brokers.", e);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TopicProvisioningException("Interrupted while waiting for " + count + " brokers.", e);
            }
        }
        throw new TopicProvisioningException(
                clusterDescription + " had " + seen + " brokers registered after "
                        + timeout.toSeconds() + " s, fewer than the " + count
                        + " the topics' replication factor needs. Start the"
                        + " other brokers (bin/turnstile status shows which are down).",
                null);
    }

    /** Closes the Admin client if this provisioner created it. */
    @Override
    public void close() {
        if (ownsAdmin) {
            admin.close(timeout);
        }
    }

    private Map<String, TopicDescription> describeExisting(Collection<String> names) {
        Map<String, KafkaFuture<TopicDescription>> futures =
                admin.describeTopics(names).topicNameValues();
        Map<String, TopicDescription> existing = new LinkedHashMap<>();
        for (Map.Entry<String, KafkaFuture<TopicDescription>> entry : futures.entrySet()) {
            try {
                existing.put(entry.getKey(), await(entry.getValue(), "describing topic " + entry.getKey()));
            } catch (TopicProvisioningException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
        }
        return existing;
    }

    private List<String> create(List<TopicSpec> missing) {
        List<NewTopic> newTopics = missing.stream()
                .map(spec ->
                        new NewTopic(spec.name(), spec.partitions(), spec.replicationFactor()).configs(spec.configs()))
                .toList();
        Map<String, KafkaFuture<Void>> futures = admin.createTopics(newTopics).values();
        List<String> created = new ArrayList<>();
        List<TopicSpec> createdConcurrently = new ArrayList<>();
        for (TopicSpec spec : missing) {
            try {
                await(futures.get(spec.name()), "creating topic " + spec.name());
                created.add(spec.name());
                log.info(
                        "Created topic {} with {} partitions, replication factor {}, configs {}",
                        spec.name(),
                        spec.partitions(),
                        spec.replicationFactor(),
                        spec.configs());
            } catch (TopicProvisioningException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
                createdConcurrently.add(spec);
            }
        }
        Map<String, TopicDescription> visible = awaitUsable(missing);
        // Someone else (another test, another instance) created these at the same moment: check them like any other.
        for (TopicSpec spec : createdConcurrently) {
            verifyPartitions(spec, visible.get(spec.name()));
        }
        verifyConfigs(createdConcurrently);
        return created;
    }

    /**
     * Waits until every topic is described with a leader for each partition. The controller confirms a creation
     * before the brokers have applied it, and a client that looks at once (Kafka Streams checking its source
     * topics, a test describing the topic) would otherwise be told the topic does not exist.
     */
    private Map<String, TopicDescription> awaitUsable(List<TopicSpec> specs) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> pending = specs.stream().map(TopicSpec::name).toList();
        Map<String, TopicDescription> usable = new LinkedHashMap<>();
        while (true) {
            Map<String, TopicDescription> described = describeExisting(pending);
            described.values().stream()
                    .filter(ClaimTopicsProvisioner::hasAllLeaders)
                    .forEach(description -> usable.put(description.name(), description));
            pending = pending.stream().filter(name -> !usable.containsKey(name)).toList();
            if (pending.isEmpty()) {
                return usable;
            }
            if (System.nanoTime() > deadline) {
                throw new TopicProvisioningException(
                        clusterDescription + " created topics " + pending + " but did"
                                + " not report them with a leader for every partition within " + timeout.toSeconds()
                                + " s. Check that enough brokers are up for their replication factor.",
                        null);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TopicProvisioningException(
                        "Interrupted while waiting for topics " + pending + " to become usable.", e);
            }
        }
    }

    private static boolean hasAllLeaders(TopicDescription description) {
        return description.partitions().stream()
                .allMatch(partition ->
                        partition.leader() != null && !partition.leader().isEmpty());
    }

    private void verifyPartitions(TopicSpec spec, TopicDescription description) {
        int actual = description.partitions().size();
        if (actual != spec.partitions()) {
            throw new TopicMismatchException(
                    spec.name(),
                    "partitions",
                    Integer.toString(spec.partitions()),
                    Integer.toString(actual),
                    "Topic '" + spec.name() + "' has " + actual + " partitions but"
                            + " Turnstile expects " + spec.partitions() + ". Turnstile does not repartition topics"
                            + " itself: a key's partition, and so which processor owns its state, depends on the"
                            + " count, and the claim requests and decisions topics must have the same count. Either"
                            + " configure Turnstile for " + actual + " partitions, or, if the topic's data may be lost"
                            + " (a local or test broker), delete it (kafka-topics.sh --bootstrap-server "
                            + bootstrapHint + " --delete --topic " + spec.name() + ", or delete the local data"
                            + " directory) and start again so Turnstile creates it.");
        }
    }

    private void verifyConfigs(List<TopicSpec> specs) {
        List<TopicSpec> withConfigs =
                specs.stream().filter(spec -> !spec.configs().isEmpty()).toList();
        if (withConfigs.isEmpty()) {
            return;
        }
        List<ConfigResource> resources = withConfigs.stream()
                .map(spec -> new ConfigResource(ConfigResource.Type.TOPIC, spec.name()))
                .toList();
        Map<ConfigResource, Config> configs = await(
                admin.describeConfigs(resources).all(),
                "reading the configs of topics "
                        + withConfigs.stream().map(TopicSpec::name).toList());
        for (TopicSpec spec : withConfigs) {
            Config actual = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, spec.name()));
            spec.configs().forEach((key, expected) -> {
                ConfigEntry entry = actual == null ? null : actual.get(key);
                String value = entry == null ? null : entry.value();
                if (!expected.equals(value)) {
                    throw new TopicMismatchException(
                            spec.name(),
                            key,
                            expected,
                            value,
                            "Topic '" + spec.name()
                                    + "' has " + key + "=" + value + " but Turnstile expects " + key + "=" + expected
                                    + ". Set it (kafka-configs.sh --bootstrap-server " + bootstrapHint + " --alter"
                                    + " --entity-type topics --entity-name " + spec.name() + " --add-config " + key
                                    + "="
                                    + expected
                                    + "), or, if the topic's data may be lost, delete the topic and start again"
                                    + " so Turnstile creates it.");
                }
            });
        }
    }

    private <T> T await(KafkaFuture<T> future, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new TopicProvisioningException(
                    clusterDescription + " failed " + what + ": " + cause.getMessage()
                            + ". Check that the broker is running and this client may manage topics.",
                    cause);
        } catch (TimeoutException e) {
            throw new TopicProvisioningException(
                    clusterDescription + " did not answer within "
                            + timeout.toSeconds() + " s while " + what + ". Check that the broker is running and"
                            + " reachable.",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TopicProvisioningException("Interrupted while " + what + ".", e);
        }
    }
}
