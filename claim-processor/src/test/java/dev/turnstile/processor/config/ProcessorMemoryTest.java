package dev.turnstile.processor.config;

import static org.assertj.core.api.Assertions.assertThat;

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

    @Test
    void every_state_store_draws_on_one_block_cache_of_the_configured_rocksdb_memory() {
        try (var driver = new TopologyTestDriver(
                ClaimTopology.build(ClaimTopics.DEFAULT),
                ProcessorTestConfig.productionStreamsConfig(),
                Instant.EPOCH)) {
            var capacityByStore = new HashMap<String, Double>();
            driver.metrics().forEach((name, metric) -> {
                if (name.name().equals("block-cache-capacity")) {
                    capacityByStore.put(
                            name.tags().get("rocksdb-state-id"), ((Number) metric.metricValue()).doubleValue());
                }
            });

            // Streams' default is a 50 MB cache for each store (and three 16 MB memtables): 2 stores × 6 partitions
            // added up to more than a gigabyte.
            assertThat(capacityByStore)
                    .containsOnlyKeys(ClaimTopology.STATE_STORE, ClaimTopology.EXPIRY_INDEX_STORE)
                    .allSatisfy(
                            (store, capacity) -> assertThat(capacity).as(store).isEqualTo(BUDGET));
        }
    }
}
