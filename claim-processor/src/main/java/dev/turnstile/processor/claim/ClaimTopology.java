package dev.turnstile.processor.claim;

import dev.turnstile.contracts.json.JsonSerde;
import dev.turnstile.contracts.topic.ClaimTopics;
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

    /**
     * The topology that main uses, over the given topics.
     *
     * @param expiryCheckInterval how often to look for leases past expiry by the wall clock; zero turns the checks
     *     off (a replay that only reads, for example): expiries are then still decided, when the next command of
     *     the key arrives, but not announced before
     */
    public static Topology build(ClaimTopics topics, Duration expiryCheckInterval) {
        var requests = topics.requests();
        var decisions = topics.decisions();
        var topology = new Topology();
        // Read commands in each key's log order.
        topology.addSource(
                "claim-requests-source",
                requests.keySerde().deserializer(),
                requests.valueSerde().deserializer(),
                requests.name());
        // Decide each command against the key's state, one key per partition, one thread per partition.
        topology.addProcessor(
                "claim-decider", () -> new ClaimProcessor(expiryCheckInterval), "claim-requests-source");
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(STATE_STORE),
                        Serdes.String(),
                        new JsonSerde<>(ClaimState.class)),
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
        return topology;
    }
}
