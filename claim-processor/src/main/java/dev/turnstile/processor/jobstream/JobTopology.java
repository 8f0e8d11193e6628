package dev.turnstile.processor.jobstream;

import dev.turnstile.contracts.json.JsonSerde;
import dev.turnstile.contracts.topic.JobTopics;
import dev.turnstile.processor.jobs.JobDecider;
import dev.turnstile.processor.jobs.JobRecord;
import dev.turnstile.processor.jobs.QueueSummary;
import dev.turnstile.processor.jobs.RememberedJobAnswer;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The production job topology: job-requests → decide per queue (RocksDB state) → job-events; and, for timers due by
 * the wall clock, a timer command appended back to job-requests.
 */
public final class JobTopology {

    /** Queue summaries by queue. */
    public static final String QUEUES_STORE = "job-queues";

    /** Job records by {@code <queue>|<jobId>}. */
    public static final String JOBS_STORE = "job-records";

    /** Waiting jobs in hand-out order: {@code <queue>|<inverted priority>|<ready sequence>} → job id. */
    public static final String WAITING_STORE = "job-waiting-index";

    /** Delays, backoffs, leases and parked waits by due time: {@code <millis>|<kind>|<queue>|<id>}. */
    public static final String TIMERS_STORE = "job-timer-index";

    /** Dedup keys of unfinished jobs: {@code <queue>|<dedupKey>} → job id. */
    public static final String DEDUP_STORE = "job-dedup-index";

    /** Answers by {@code <queue>|<requestId>}, windowed so that Streams drops them after the request memory. */
    public static final String ANSWERS_STORE = "job-answers";

    /** Kept beyond the request memory before an answer is dropped (see the claim topology's answers). */
    public static final Duration ANSWER_RETENTION_MARGIN = Duration.ofHours(1);

    /** How often the processor looks for timers that came due unless told otherwise. */
    public static final Duration DEFAULT_TIMER_CHECK_INTERVAL = Duration.ofMillis(500);

    static final String SOURCE = "job-requests-source";
    static final String DECIDER = "job-decider";
    static final String EVENTS_SINK = "job-events-sink";
    static final String TIMERS_SINK = "job-timers-sink";

    private JobTopology() {}

    /**
     * How the job processor runs.
     *
     * @param timerCheckInterval how often to look for timers that came due by the wall clock; zero turns the checks
     *     off (a replay that only reads): delays, backoffs, leases and parked waits then move only when the log
     *     already holds their timer commands
     * @param requestMemory how long, in command time, a request id keeps its answer (a replay must use the same)
     * @param maxParkedClaims most claim-next requests parked on one queue
     */
    public record Settings(Duration timerCheckInterval, Duration requestMemory, int maxParkedClaims) {

        public static final Settings DEFAULT = new Settings(
                DEFAULT_TIMER_CHECK_INTERVAL, JobDecider.DEFAULT_REQUEST_MEMORY, JobDecider.DEFAULT_MAX_PARKED_CLAIMS);

        public Settings withTimerCheckInterval(Duration interval) {
            return new Settings(interval, requestMemory, maxParkedClaims);
        }
    }

    /** The topology that main uses, with the default settings. */
    public static Topology build(JobTopics topics) {
        return build(topics, Settings.DEFAULT);
    }

    /** The topology that main uses, over the given topics. */
    public static Topology build(JobTopics topics, Settings settings) {
        var topology = new Topology();
        addTo(topology, topics, settings);
        return topology;
    }

    /**
     * Adds the job sub-topology to {@code topology} (the processor application runs it beside the claim
     * sub-topology; they share nothing but the application).
     */
    public static void addTo(Topology topology, JobTopics topics, Settings settings) {
        var decider = new JobDecider(settings.requestMemory(), settings.maxParkedClaims());
        var requests = topics.requests();
        var events = topics.events();
        // Read commands in each queue's log order.
        topology.addSource(
                SOURCE,
                requests.keySerde().deserializer(),
                requests.valueSerde().deserializer(),
                requests.name());
        // Decide each command against its queue's stored state, one queue per partition, one thread per partition.
        topology.addProcessor(DECIDER, () -> new JobProcessor(decider, settings.timerCheckInterval()), SOURCE);
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(QUEUES_STORE),
                        Serdes.String(),
                        new JsonSerde<>(QueueSummary.class)),
                DECIDER);
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(JOBS_STORE), Serdes.String(), new JsonSerde<>(JobRecord.class)),
                DECIDER);
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(WAITING_STORE), Serdes.String(), Serdes.String()),
                DECIDER);
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(TIMERS_STORE), Serdes.String(), Serdes.String()),
                DECIDER);
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(DEDUP_STORE), Serdes.String(), Serdes.String()),
                DECIDER);
        topology.addStateStore(
                Stores.windowStoreBuilder(
                        Stores.persistentWindowStore(
                                ANSWERS_STORE,
                                settings.requestMemory().plus(ANSWER_RETENTION_MARGIN),
                                Duration.ofMillis(1),
                                false),
                        Serdes.String(),
                        new JsonSerde<>(RememberedJobAnswer.class)),
                DECIDER);
        // Publish every event, keyed by queue, on the public topic.
        topology.addSink(
                EVENTS_SINK,
                events.name(),
                events.keySerde().serializer(),
                events.valueSerde().serializer(),
                DECIDER);
        // Append timer commands to the queue's own command log, so that they are decided in log order.
        topology.addSink(
                TIMERS_SINK,
                requests.name(),
                requests.keySerde().serializer(),
                requests.valueSerde().serializer(),
                DECIDER);
    }
}
