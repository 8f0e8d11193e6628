package dev.turnstile.gateway.claim;

import dev.turnstile.contracts.claim.ClaimEvent;
import dev.turnstile.contracts.topic.ClaimTopics;
import dev.turnstile.contracts.topic.Topic;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.SmartLifecycle;

/**
 * Reads the decisions topic from its end, on all partitions and without a consumer group (every gateway sees
 * every decision), and hands each decision, with the fingerprint of the request it answers, to the waiting claim. Ready only once its position on every partition
 * is fixed, so no decision for a claim accepted afterwards can be missed.
 */
final class DecisionListener implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DecisionListener.class);
    private static final Duration POLL = Duration.ofMillis(500);

    private final Map<String, Object> consumerConfig;
    private final Topic<String, ClaimEvent> decisions;
    private final BiConsumer<ClaimEvent, String> onDecision;
    private final Counter pollErrors;
    private final Counter skippedRecords;
    private volatile KafkaConsumer<String, ClaimEvent> consumer;
    private volatile Thread thread;
    private volatile boolean running;

    DecisionListener(
            Map<String, Object> consumerConfig,
            Topic<String, ClaimEvent> decisions,
            BiConsumer<ClaimEvent, String> onDecision,
            MeterRegistry meters) {
        this.consumerConfig = consumerConfig;
        this.decisions = decisions;
        this.onDecision = onDecision;
        this.pollErrors = Counter.builder("turnstile.gateway.decision.poll.errors")
                .description("Unexpected errors while reading decisions; the listener retries")
                .register(meters);
        this.skippedRecords = Counter.builder("turnstile.gateway.decision.skipped")
                .description("Records on the decisions topic that were not decisions and were skipped")
                .register(meters);
    }

    @Override
    public void start() {
        var created = new KafkaConsumer<>(
                consumerConfig,
                decisions.keySerde().deserializer(),
                decisions.valueSerde().deserializer());
        try {
            var partitions = created.partitionsFor(decisions.name(), Duration.ofSeconds(30)).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition()))
                    .toList();
            if (partitions.isEmpty()) {
                throw new IllegalStateException("Topic " + decisions.name() + " does not exist. Create the claim"
                        + " topics first (the all-in-one launcher does), or set turnstile.topics.decisions.");
            }
            created.assign(partitions);
            created.seekToEnd(partitions);
            // Resolve the end offsets now: a lazy seek could land after a decision we are about to wait for.
            partitions.forEach(created::position);
            log.info("Listening for decisions on {} partitions of {}", partitions.size(), decisions.name());
        } catch (RuntimeException e) {
            created.close();
            throw e;
        }
        consumer = created;
        running = true;
        thread = Thread.ofPlatform().name("decision-listener").daemon().start(this::pollLoop);
    }

    private void pollLoop() {
        try {
            while (running) {
                try {
                    for (var record : consumer.poll(POLL)) {
                        if (record.value() != null) {
                            var answered = record.headers().lastHeader(ClaimTopics.ANSWERED_REQUEST_HEADER);
                            onDecision.accept(
                                    record.value(),
                                    answered == null ? null : new String(answered.value(), StandardCharsets.UTF_8));
                        }
                    }
                } catch (WakeupException e) {
                    // stop() woke us: the loop condition ends it.
                } catch (RecordDeserializationException e) {
                    // Not a decision (another producer wrote to the public topic): step over it, or it blocks all.
                    skippedRecords.increment();
                    log.warn(
                            "Skipping a record that is not a decision at {}@{}: {}. Claims go on being answered.",
                            e.topicPartition(),
                            e.offset(),
                            e.getMessage());
                    consumer.seek(e.topicPartition(), e.offset() + 1);
                } catch (RuntimeException e) {
                    pollErrors.increment();
                    log.error(
                            "Reading decisions failed; retrying in 1 s. Waiting claims time out with 503 meanwhile"
                                    + " and agents retry. Check that Kafka is reachable.",
                            e);
                    sleepBeforeRetry();
                }
            }
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }

    private void sleepBeforeRetry() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void stop() {
        running = false;
        var current = consumer;
        if (current != null) {
            current.wakeup();
        }
        var worker = thread;
        if (worker != null) {
            try {
                worker.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Whether the listener thread is alive and reading. */
    boolean isListening() {
        var worker = thread;
        return running && worker != null && worker.isAlive();
    }

    @Override
    public int getPhase() {
        // Started before the web server and stopped after it: claims are accepted only while decisions are heard.
        return WebServerApplicationContext.START_STOP_LIFECYCLE_PHASE - 1024;
    }
}
