package dev.turnstile.processor.claim;

import dev.turnstile.contracts.topic.ClaimTopics;
import dev.turnstile.contracts.json.JsonSerde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/** The production topology: claim-requests → decide per key (RocksDB state) → claim-decisions. */
public final class ClaimTopology {

    /** The RocksDB store of {@link ClaimState} by task key; its changelog restores it after a crash. */
    public static final String STATE_STORE = "claim-state";

    private ClaimTopology() {}

    /** The topology that main uses, over the given topics. */
    public static Topology build(ClaimTopics topics) {
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
        topology.addProcessor("claim-decider", ClaimProcessor::new, "claim-requests-source");
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(STATE_STORE),
                        Serdes.String(),
                        new JsonSerde<>(ClaimState.class)),
                "claim-decider");
        // Publish every decision, keyed by task key, on the public topic.
        topology.addSink(
                "claim-decisions-sink",
                decisions.name(),
                decisions.keySerde().serializer(),
                decisions.valueSerde().serializer(),
                "claim-decider");
        return topology;
    }
}
