package dev.turnstile.processor.config;

import dev.turnstile.contracts.topic.ClaimTopics;
import dev.turnstile.processor.claim.PoisonCommandHandler;
import dev.turnstile.processor.jobstream.JobTopology;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the claim processor ({@code turnstile.processor.*}). Kafka connection settings come from
 * {@code spring.kafka.*}; any Kafka Streams setting can be overridden under {@code spring.kafka.streams.properties.*}.
 *
 * @param enabled whether this application runs the processor
 * @param applicationId Streams application id: the consumer group, and the prefix of internal topics
 * @param stateDir where RocksDB state lives; kept across restarts, rebuilt from the changelog when lost
 * @param processingGuarantee {@code exactly_once_v2} (default) or {@code at_least_once}
 * @param commitInterval how often decisions are committed; read_committed consumers see them after that
 * @param pollInterval how long a stream thread blocks waiting for new commands
 * @param startupTimeout how long start-up waits for the processor to run before failing
 * @param expiryCheckInterval how often the processor looks for leases past expiry and appends an expiry check to
 *     the requests topic, so that expiries are announced promptly; 0 turns the checks off
 * @param requestMemory how long, in command time, a request id keeps its answer for retries (a replay of the
 *     requests topic must use the same); claims and jobs alike
 * @param jobs the work-queue processor ({@code turnstile.processor.jobs.*})
 * @param rocksdbMemory off-heap memory all the processor's RocksDB stores in this JVM share: block cache, memtables,
 *     index and filter blocks (see {@link BoundedRocksDbMemory})
 * @param instanceId a name for this processor instance that stays the same across its restarts and differs from every
 *     other instance's (Kafka static membership): a restarted instance then takes its partitions back at once instead
 *     of waiting for the group to time out its previous self. Unset: a new member at each start
 * @param streams extra Kafka Streams properties, applied last
 */
@ConfigurationProperties(ProcessorProperties.PREFIX)
public record ProcessorProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("turnstile-claim-processor") String applicationId,
        @DefaultValue(".data/processor") String stateDir,
        @DefaultValue("exactly_once_v2") String processingGuarantee,
        @DefaultValue("250ms") Duration commitInterval,
        @DefaultValue("10ms") Duration pollInterval,
        @DefaultValue("120s") Duration startupTimeout,
        @DefaultValue("1s") Duration expiryCheckInterval,
        @DefaultValue("24h") Duration requestMemory,
        @DefaultValue Jobs jobs,
        @DefaultValue("64MB") DataSize rocksdbMemory,
        String instanceId,
        Map<String, String> streams) {

    /** Where these settings live in Spring's environment. */
    public static final String PREFIX = "turnstile.processor";

    /**
     * Settings of the work-queue processor, which runs in the same Streams application as the claims.
     *
     * @param enabled whether the processor decides jobs too (the job topics must exist)
     * @param timerCheckInterval how often the processor looks for delays, backoffs, leases and parked claim-next
     *     waits that came due and appends a timer command for each to job-requests; 0 turns the checks off (for a
     *     replay that only reads)
     * @param maxParkedClaims most claim-next requests parked on one queue; beyond, they get no job at once (a replay
     *     of job-requests must use the same)
     */
    public record Jobs(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("500ms") Duration timerCheckInterval,
            @DefaultValue("256") int maxParkedClaims) {

        /** The defaults: what Spring Boot binds when nothing is configured. */
        public static final Jobs DEFAULT = ProcessorProperties.bind(Map.of()).jobs();

        /** How the job sub-topology runs with these settings and this request memory. */
        public JobTopology.Settings topologySettings(Duration requestMemory) {
            return new JobTopology.Settings(timerCheckInterval, requestMemory, maxParkedClaims);
        }
    }

    public ProcessorProperties {
        streams = streams == null ? Map.of() : Map.copyOf(streams);
        instanceId = instanceId == null || instanceId.isBlank() ? null : instanceId;
    }

    /**
     * The defaults, with another application id and state directory (tests, replays, benchmarks): bound exactly as
     * Spring Boot binds {@code turnstile.processor.*}, so the defaults have one source, the annotations above.
     */
    public static ProcessorProperties defaults(String applicationId, String stateDir) {
        return bind(Map.of("application-id", applicationId, "state-dir", stateDir));
    }

    /**
     * These settings as Spring Boot binds them from {@code settings}, named as under {@code turnstile.processor.}
     * (e.g. {@code expiry-check-interval} → {@code 0s}); everything else takes its default.
     */
    public static ProcessorProperties bind(Map<String, String> settings) {
        var prefixed = new HashMap<String, String>();
        settings.forEach((name, value) -> prefixed.put(PREFIX + "." + name, value));
        return new Binder(new MapConfigurationPropertySource(prefixed))
                .bindOrCreate(PREFIX, Bindable.of(ProcessorProperties.class));
    }

    /** The same settings with another processing guarantee. */
    public ProcessorProperties withProcessingGuarantee(String guarantee) {
        return new ProcessorProperties(
                enabled,
                applicationId,
                stateDir,
                guarantee,
                commitInterval,
                pollInterval,
                startupTimeout,
                expiryCheckInterval,
                requestMemory,
                jobs,
                rocksdbMemory,
                instanceId,
                streams);
    }

    /** The same settings with another expiry check interval (zero: no checks, e.g. for a replay that only reads). */
    public ProcessorProperties withExpiryCheckInterval(Duration interval) {
        return new ProcessorProperties(
                enabled,
                applicationId,
                stateDir,
                processingGuarantee,
                commitInterval,
                pollInterval,
                startupTimeout,
                interval,
                requestMemory,
                jobs,
                rocksdbMemory,
                instanceId,
                streams);
    }

    /** The same settings with other work-queue settings. */
    public ProcessorProperties withJobs(Jobs newJobs) {
        return new ProcessorProperties(
                enabled,
                applicationId,
                stateDir,
                processingGuarantee,
                commitInterval,
                pollInterval,
                startupTimeout,
                expiryCheckInterval,
                requestMemory,
                newJobs,
                rocksdbMemory,
                instanceId,
                streams);
    }

    /** The same settings with a stable instance name (static group membership); see {@link #instanceId()}. */
    public ProcessorProperties withInstanceId(String id) {
        return new ProcessorProperties(
                enabled,
                applicationId,
                stateDir,
                processingGuarantee,
                commitInterval,
                pollInterval,
                startupTimeout,
                expiryCheckInterval,
                requestMemory,
                jobs,
                rocksdbMemory,
                id,
                streams);
    }

    /**
     * The complete Kafka Streams configuration for the processor of {@code topics}: {@code base} (connection
     * settings), then these settings, then the extra {@link #streams()} overrides.
     */
    public Properties toStreamsConfig(Map<String, Object> base, ClaimTopics topics) {
        var config = new Properties();
        config.putAll(base);
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
        config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, processingGuarantee);
        config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitInterval.toMillis());
        config.put(StreamsConfig.POLL_MS_CONFIG, pollInterval.toMillis());
        // One thread: two threads on two cores measured slower. Parallelism beyond that is more instances.
        config.putIfAbsent(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        // Streams lingers 100 ms by default; a decision is one record and an agent is waiting for it.
        config.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 0);
        config.put(StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), 100);
        // A crashed instance's partitions move after this long (Kafka's 45 s default would stall claims longer).
        config.putIfAbsent(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 10_000);
        config.putIfAbsent(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 2_000);
        // A restarted instance with the same name replaces its dead self in the group at once (Streams appends the
        // thread index), instead of waiting a session timeout for it to be evicted.
        if (instanceId != null) {
            config.putIfAbsent(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), instanceId);
        }
        // After a crash (exactly-once keeps no local checkpoint) the stores are restored from their changelogs: bigger
        // batches, fewer round trips.
        config.putIfAbsent(StreamsConfig.restoreConsumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 10_000);
        // All stores share one bounded block cache and memtable budget (Streams' default is per store, unbounded in
        // sum).
        config.putIfAbsent(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbMemory.class);
        config.putIfAbsent(BoundedRocksDbMemory.MEMORY_CONFIG, rocksdbMemory.toBytes());
        // A record that cannot be decided goes to the dead-letter topic, is counted in the dropped-records metric,
        // and processing goes on; any other error stops the processor (see PoisonCommandHandler).
        config.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, topics.deadLetterTopicName());
        config.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, PoisonCommandHandler.class);
        config.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, PoisonCommandHandler.class);
        config.putAll(streams);
        return config;
    }
}
