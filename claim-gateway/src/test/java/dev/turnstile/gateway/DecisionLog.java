package dev.turnstile.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnstile.contracts.claim.ClaimEvent;
import dev.turnstile.contracts.topic.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads a decisions topic from offset 0, as a committed reader (projections, other teams) sees it, and checks it. */
final class DecisionLog {

    private final List<ClaimEvent> events;

    private DecisionLog(List<ClaimEvent> events) {
        this.events = events;
    }

    /**
     * Every committed decision on {@code topic}, per partition in log order, up to everything written when called:
     * decisions still in an open transaction (answered to agents already, from uncommitted reads) are waited for
     * until the processor's next commit.
     */
    static DecisionLog read(String bootstrapServers, Topic<String, ClaimEvent> topic) {
        var config = Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (var consumer = new KafkaConsumer<>(
                config, topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
            var partitions = consumer.partitionsFor(topic.name(), Duration.ofSeconds(10)).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end;
            try (var written = new KafkaConsumer<>(
                    Map.<String, Object>of(
                            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted"),
                    new ByteArrayDeserializer(),
                    new ByteArrayDeserializer())) {
                end = written.endOffsets(partitions);
            }
            var events = new ArrayList<ClaimEvent>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                assertThat(System.nanoTime()).as("reading %s to its end", topic.name()).isLessThan(deadline);
                try {
                    consumer.poll(Duration.ofMillis(200)).forEach(record -> events.add(record.value()));
                } catch (RecordDeserializationException e) {
                    // Not a decision: another producer's record on the public topic. Not ours to count.
                    consumer.seek(e.topicPartition(), e.offset() + 1);
                }
            }
            return new DecisionLog(events);
        }
    }

    List<ClaimEvent> events() {
        return events;
    }

    /** Decisions that are not repeats of earlier ones. */
    List<ClaimEvent> firstDecisions() {
        return events.stream().filter(event -> !event.redelivery()).toList();
    }

    /** The agents granted each key, counting every grant (a correct log has exactly one per key). */
    Map<String, List<String>> grantsByKey() {
        return firstDecisions().stream()
                .filter(ClaimEvent::wasGranted)
                .collect(Collectors.groupingBy(
                        ClaimEvent::taskKey, Collectors.mapping(ClaimEvent::agentId, Collectors.toList())));
    }

    /** Each key's decisions in order. */
    Map<String, List<ClaimEvent>> byKey() {
        var byKey = new HashMap<String, List<ClaimEvent>>();
        events.forEach(event -> byKey.computeIfAbsent(event.taskKey(), key -> new ArrayList<>()).add(event));
        return byKey;
    }

    /** Asserts the guarantee: every key that was decided has exactly one grant, and decision ids are unique. */
    void assertExactlyOneGrantPerKey() {
        var keys = firstDecisions().stream().map(ClaimEvent::taskKey).distinct().toList();
        var grants = grantsByKey();
        var byKey = byKey();
        assertThat(keys).allSatisfy(key -> assertThat(grants.get(key))
                .as("grants of %s in %s", key, byKey.get(key))
                .hasSize(1));
        assertThat(firstDecisions().stream().map(ClaimEvent::decisionId))
                .as("decision ids")
                .doesNotHaveDuplicates();
    }
}
