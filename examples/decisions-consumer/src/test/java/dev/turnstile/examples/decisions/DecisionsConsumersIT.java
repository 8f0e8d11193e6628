package dev.turnstile.examples.decisions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.turnstile.contracts.claim.ClaimCommand;
import dev.turnstile.contracts.claim.ClaimRequested;
import dev.turnstile.contracts.claim.TaskKey;
import dev.turnstile.contracts.topic.ClaimTopics;
import dev.turnstile.kafka.local.SharedTestKafka;
import dev.turnstile.processor.claim.ClaimProcessorService;
import dev.turnstile.processor.config.ProcessorProperties;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Both examples against the project's local broker, reading decisions the production processor made from real claim
 * requests, plus one record of a type from a later release that both must skip.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DecisionsConsumersIT {

    private static final TaskKey DEPLOY = TaskKey.parse("hire:convex-deploy:3f9c2ab");

    private final ClaimTopics topics = SharedTestKafka.freshClaimTopics();
    private String bootstrap;
    private ClaimProcessorService processor;

    @BeforeAll
    void decideTwoClaimsAndAddAFutureType(@TempDir Path state) throws Exception {
        bootstrap = SharedTestKafka.bootstrapServers();
        var config = ProcessorProperties.defaults(SharedTestKafka.uniqueName("examples-processor"), state.toString())
                .toStreamsConfig(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap), topics);
        processor = new ClaimProcessorService(config, topics);
        processor.start();
        assertThat(processor.awaitRunning(Duration.ofSeconds(60))).isTrue();

        var now = Instant.parse("2026-11-23T10:30:00Z");
        try (var requests = new KafkaProducer<>(
                        producerConfig(),
                        topics.requests().keySerde().serializer(),
                        topics.requests().valueSerde().serializer());
                var raw = new KafkaProducer<>(producerConfig(), new StringSerializer(), new ByteArraySerializer())) {
            for (ClaimCommand claim : List.of(
                    ClaimRequested.of(DEPLOY, "agent-1", "req-1", now),
                    ClaimRequested.of(DEPLOY, "agent-2", "req-2", now.plusSeconds(1)))) {
                requests.send(new ProducerRecord<>(topics.requests().name(), claim.taskKey(), claim))
                        .get();
            }
            var future = new ProducerRecord<>(
                    topics.decisions().name(),
                    DEPLOY.value(),
                    "{\"type\":\"ClaimQueued\",\"taskKey\":\"hire:convex-deploy:3f9c2ab\"}"
                            .getBytes(StandardCharsets.UTF_8));
            future.headers().add("ce_type", "dev.turnstile.claim.ClaimQueued".getBytes(StandardCharsets.UTF_8));
            raw.send(future).get();
        }
    }

    @AfterAll
    void stopProcessor() {
        processor.close();
    }

    @Test
    void the_plain_consumer_reads_the_grant_and_the_denial_and_skips_the_type_it_does_not_know() throws Exception {
        var received = new Recorded();
        var consumer = new PlainDecisionsConsumer(
                bootstrap,
                SharedTestKafka.uniqueName("plain"),
                topics.decisions().name(),
                received);
        var polling = Thread.ofVirtual().start(consumer::run);
        try {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertReceivedBothDecisions(received));
        } finally {
            consumer.close();
            polling.join(Duration.ofSeconds(10));
        }
    }

    @Test
    void the_spring_listener_reads_the_grant_and_the_denial_and_skips_the_type_it_does_not_know() {
        var received = new Recorded();
        try (ConfigurableApplicationContext listener = new SpringApplicationBuilder(SpringDecisionsListener.class)
                .initializers(context -> context.getBeanFactory().registerSingleton("recorded", received))
                // Arguments, so that they win over the example's own application.properties.
                .run(
                        "--spring.kafka.bootstrap-servers=" + bootstrap,
                        "--decisions.topic=" + topics.decisions().name(),
                        "--decisions.group=" + SharedTestKafka.uniqueName("spring"),
                        // The processor is on this test's classpath only to make decisions; not in the listener.
                        "--turnstile.processor.enabled=false",
                        "--turnstile.processor.jobs.enabled=false")) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertReceivedBothDecisions(received));
        }
    }

    private static void assertReceivedBothDecisions(Recorded received) {
        assertThat(received.granted).extracting(Decision::agentId).containsExactly("agent-1");
        assertThat(received.denied)
                .singleElement()
                .satisfies(denied -> assertThat(denied.agentId()).isEqualTo("agent-2"))
                .satisfies(denied -> assertThat(denied.heldBy()).isEqualTo("agent-1"))
                .satisfies(denied -> assertThat(denied.decisionId()).isEqualTo(DEPLOY.value() + "#2"));
    }

    private Map<String, Object> producerConfig() {
        return Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    }

    /** Keeps what a consumer handed over. */
    static final class Recorded implements DecisionHandler {

        final List<Decision> granted = new CopyOnWriteArrayList<>();
        final List<Decision> denied = new CopyOnWriteArrayList<>();

        @Override
        public void granted(Decision decision) {
            granted.add(decision);
        }

        @Override
        public void denied(Decision decision) {
            denied.add(decision);
        }
    }
}
