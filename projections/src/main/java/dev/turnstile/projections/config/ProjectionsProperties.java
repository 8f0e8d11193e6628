package dev.turnstile.projections.config;

import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the projections ({@code turnstile.projections.*}). Kafka connection settings come from
 * {@code spring.kafka.*}, like the other services; the decisions topic from {@code turnstile.topics.decisions}.
 *
 * @param enabled whether this application builds the activity read model (and serves its queries)
 * @param stateDir where the RocksDB read model lives; kept across restarts, rebuilt from offset 0 when deleted
 * @param bootstrapServers another Kafka cluster to read decisions from; empty means {@code spring.kafka.bootstrap-servers}
 * @param rebuildOnStart delete the read model at start-up and rebuild it from offset 0 of the decisions topic
 * @param pollTimeout how long one poll for decisions waits; bounds how quickly the reader notices shutdown
 * @param rocksdbMemory off-heap memory of the read model's RocksDB store: block cache, memtables, index and filter
 *     blocks
 * @param consumer extra Kafka consumer properties, applied over {@code spring.kafka.consumer.*}
 */
@ConfigurationProperties("turnstile.projections")
public record ProjectionsProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue(".data/projections") String stateDir,
        String bootstrapServers,
        @DefaultValue("false") boolean rebuildOnStart,
        @DefaultValue("500ms") Duration pollTimeout,
        @DefaultValue("32MB") DataSize rocksdbMemory,
        Map<String, String> consumer) {

    public ProjectionsProperties {
        consumer = consumer == null ? Map.of() : Map.copyOf(consumer);
    }
}
