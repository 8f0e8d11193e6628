package dev.turnstile.processor.claim;

import dev.turnstile.contracts.json.JsonSerde;
import dev.turnstile.contracts.topic.ClaimTopics;
import dev.turnstile.processor.decision.ClaimDecider;
import dev.turnstile.processor.decision.ClaimState;
import dev.turnstile.processor.decision.RememberedAnswer;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The production topology: claim-requests → decide per key (RocksDB state) → claim-decisions; and, for leases
 * past expiry by the wall clock, an expiry check appended back to claim-requests.
 */
public final class ClaimTopology {

    /** The RocksDB store of {@link ClaimState} by task key; its changelog restores it after a crash. */
    public static final String STATE_STORE = "claim-state";

    /**
     * Answers by {@code <taskKey>|<requestId>}, windowed by the stream time at which they were given so that Streams
     * drops them (and their changelog) once older than the request memory plus {@link #ANSWER_RETENTION_MARGIN}.
     */
    public static final String ANSWERS_STORE = "claim-answers";

    /**
     * Kept beyond the request memory before an answer is dropped, so that a command whose timestamp lags the
     * partition's stream time (a gateway clock behind another's) still finds every answer the decider would count:
     * an answer the decider counts can be missing only for a command more than this far behind.
     */
    public static final Duration ANSWER_RETENTION_MARGIN = Duration.ofHours(1);

    /** Active leases by expiry ({@code <millis>|<taskKey>} → fencing token), for the expiry checks. */
    public static final String EXPIRY_INDEX_STORE = "lease-expiry-index";

    /** How often the processor looks for leases past expiry unless told otherwise. */
    public static final Duration DEFAULT_EXPIRY_CHECK_INTERVAL = Duration.ofSeconds(1);

    static final String DECISIONS_SINK = "claim-decisions-sink";
    static final String EXPIRY_CHECKS_SINK = "expiry-checks-sink";

    private ClaimTopology() {}

    /** The topology that main uses, over the given topics, checking for expired leases every second. */
    public static Topology build(ClaimTopics topics) {
        return build(topics, DEFAULT_EXPIRY_CHECK_INTERVAL);
    }

    /** As {@link #build(ClaimTopics, Duration, Duration)}, remembering request ids for the default time. */
    public static Topology build(ClaimTopics topics, Duration expiryCheckInterval) {
        return build(topics, expiryCheckInterval, ClaimDecider.DEFAULT_REQUEST_MEMORY);
    }

    /**
     * The topology that main uses, over the given topics.
     *
     * @param expiryCheckInterval how often to look for leases past expiry by the wall clock; zero turns the checks
     *     off (a replay that only reads, for example): expiries are then still decided, when the next command of
     *     the key arrives, but not announced before
     * @param requestMemory how long, in command time, a request id keeps its answer (a replay must use the same)
     */
    public static Topology build(ClaimTopics topics, Duration expiryCheckInterval, Duration requestMemory) {
        var topology = new Topology();
        addTo(topology, topics, expiryCheckInterval, requestMemory);
        return topology;
    }

    /**
     * Adds the claim sub-topology to {@code topology}, as {@link #build(ClaimTopics, Duration, Duration)} describes.
     * The processor application adds it first, so that its tasks keep their ids (and state directories) when the
     * job sub-topology is added beside it.
     */
    public static void addTo(
            Topology topology, ClaimTopics topics, Duration expiryCheckInterval, Duration requestMemory) {
        var decider = new ClaimDecider(requestMemory);
        var requests = topics.requests();
        var decisions = topics.decisions();
        // Read commands in each key's log order.
        topology.addSource(
                "claim-requests-source",
                requests.keySerde().deserializer(),
                requests.valueSerde().deserializer(),
                requests.name());
        // Decide each command against the key's state, one key per partition, one thread per partition.
        topology.addProcessor(
                "claim-decider", () -> new ClaimProcessor(decider, expiryCheckInterval), "claim-requests-source");
        // The stores are not cached: Streams' record cache on them measured no faster (bench/README.md, "Levers") and
        // widened the tail with a flush at every commit; on the request-memory window store its range fetch was 50
        // times slower.
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(STATE_STORE),
                        Serdes.String(),
                        new JsonSerde<>(ClaimState.class)),
                "claim-decider");
        topology.addStateStore(
                Stores.windowStoreBuilder(
                        Stores.persistentWindowStore(
                                ANSWERS_STORE,
                                requestMemory.plus(ANSWER_RETENTION_MARGIN),
                                Duration.ofMillis(1),
                                false),
                        Serdes.String(),
                        new JsonSerde<>(RememberedAnswer.class)),
                "claim-decider");
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(EXPIRY_INDEX_STORE), Serdes.String(), Serdes.Long()),
                "claim-decider");
        // Publish every decision, keyed by task key, on the public topic.
        topology.addSink(
                DECISIONS_SINK,
                decisions.name(),
                decisions.keySerde().serializer(),
                decisions.valueSerde().serializer(),
                "claim-decider");
        // Append expiry checks to the key's own command log, so that the expiry is decided in log order.
        topology.addSink(
                EXPIRY_CHECKS_SINK,
                requests.name(),
                requests.keySerde().serializer(),
                requests.valueSerde().serializer(),
                "claim-decider");
    }
}
