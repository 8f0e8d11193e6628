package dev.turnstile.processor.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnstile.contracts.claim.ClaimRequested;
import dev.turnstile.contracts.claim.TaskKey;
import dev.turnstile.contracts.topic.ClaimTopics;
import dev.turnstile.processor.claim.ClaimTopology;
import java.time.Instant;
import java.util.HashMap;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;

/** The processor's RocksDB memory, with the production topology and the production Streams configuration. */
class ProcessorMemoryTest {

    /** The default of turnstile.processor.rocksdb-memory. */
    private static final double BUDGET = 64 * 1024 * 1024;

    private static final TaskKey KEY = new TaskKey("hire", "deploy", "3f9c2ab");

    @Test
    void every_state_store_draws_on_one_block_cache_of_the_configured_rocksdb_memory() {
        try (var driver = new TopologyTestDriver(
                ClaimTopology.build(ClaimTopics.DEFAULT),
                ProcessorTestConfig.productionStreamsConfig(),
                Instant.EPOCH)) {
            // A claim opens the window store of answers too (its segments open with their first record).
            var topics = ClaimTopics.DEFAULT;
            driver.createInputTopic(
                            topics.requests().name(),
                            topics.requests().keySerde().serializer(),
                            topics.requests().valueSerde().serializer())
                    .pipeInput(KEY.value(), ClaimRequested.of(KEY, "agent-1", "req-1", Instant.EPOCH), 0L);
            var capacityByStore = new HashMap<String, Double>();
            driver.metrics().forEach((name, metric) -> {
                if (name.name().equals("block-cache-capacity")) {
                    var store = name.tags()
                            .getOrDefault("rocksdb-state-id", name.tags().get("rocksdb-window-state-id"));
                    capacityByStore.put(store, ((Number) metric.metricValue()).doubleValue());
                }
            });

            // Streams' default is a 50 MB cache for each store (and three 16 MB memtables): 2 stores × 6 partitions
            // added up to more than a gigabyte.
            assertThat(capacityByStore)
                    .containsOnlyKeys(
                            ClaimTopology.STATE_STORE, ClaimTopology.EXPIRY_INDEX_STORE, ClaimTopology.ANSWERS_STORE)
                    .allSatisfy(
                            (store, capacity) -> assertThat(capacity).as(store).isEqualTo(BUDGET));
        }
    }
}
