package dev.turnstile.history;

import dev.turnstile.contracts.claim.ClaimEvent;
import dev.turnstile.contracts.topic.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads a decisions topic as its consumers see it: committed records only, every partition, from offset 0. */
public final class CommittedDecisions {

    private CommittedDecisions() {}

    /**
     * Every committed decision on {@code topic}, each partition in log order, up to everything written when called:
     * decisions still in an open transaction (already answered to agents, from uncommitted reads) are waited for
     * until the processor's next commit, at most {@code timeout}. Records that are not decisions are skipped.
     *
     * @throws IllegalStateException when the end is not reached within {@code timeout} (an open transaction that
     *     never commits, or an unreachable cluster)
     */
    public static List<ClaimEvent> read(String bootstrapServers, Topic<String, ClaimEvent> topic, Duration timeout) {
        var config = Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false);
        try (var consumer = new KafkaConsumer<>(
                config, topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
            var partitions = consumer.partitionsFor(topic.name(), timeout).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end;
            try (var written = new KafkaConsumer<>(
                    Map.<String, Object>of(
                            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                            bootstrapServers,
                            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                            "read_uncommitted"),
                    new ByteArrayDeserializer(),
                    new ByteArrayDeserializer())) {
                end = written.endOffsets(partitions, timeout);
            }
            var events = new ArrayList<ClaimEvent>();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Could not read " + topic.name() + " to its end within " + timeout
                            + ": a transaction stays open, or the cluster does not answer");
                }
                try {
                    consumer.poll(Duration.ofMillis(200)).forEach(record -> events.add(record.value()));
                } catch (RecordDeserializationException e) {
                    // Not a decision: another producer's record on the public topic. Not ours to check.
                    consumer.seek(e.topicPartition(), e.offset() + 1);
                }
            }
            return events;
        }
    }
}
