package dev.turnstile.gateway.jobs;

import dev.turnstile.contracts.job.JobEvent;
import dev.turnstile.contracts.topic.JobTopics;
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
 * Reads {@code job-events} from its end, on all partitions and without a consumer group (every gateway sees every
 * event), and hands each event, with the fingerprint of the request it answers, to the waiting request. Unlike the
 * claim path it does not stop the gateway when the job topics are missing (claims go on): it waits for them, and job
 * requests are answered 503 until it reads. Listening only once its position on every partition is fixed, so no
 * answer to a request accepted afterwards can be missed.
 */
final class JobEventListener implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(JobEventListener.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration RETRY = Duration.ofSeconds(1);

    private final Map<String, Object> consumerConfig;
    private final Topic<String, JobEvent> events;
    private final BiConsumer<JobEvent, String> onEvent;
    private final Counter pollErrors;
    private final Counter skippedRecords;
    private volatile KafkaConsumer<String, JobEvent> consumer;
    private volatile Thread thread;
    private volatile boolean running;
    private volatile boolean listening;

    JobEventListener(
            Map<String, Object> consumerConfig,
            Topic<String, JobEvent> events,
            BiConsumer<JobEvent, String> onEvent,
            MeterRegistry meters) {
        this.consumerConfig = consumerConfig;
        this.events = events;
        this.onEvent = onEvent;
        this.pollErrors = Counter.builder("turnstile.gateway.job.events.poll.errors")
                .description("Unexpected errors while reading job events; the listener retries")
                .register(meters);
        this.skippedRecords = Counter.builder("turnstile.gateway.job.events.skipped")
                .description("Records on the job events topic that were not job events and were skipped")
                .register(meters);
    }

    @Override
    public void start() {
        consumer = new KafkaConsumer<>(
                consumerConfig,
                events.keySerde().deserializer(),
                events.valueSerde().deserializer());
        try {
            // Usually the topic exists: then job requests are answered from the moment the web server starts.
            listening = assign();
        } catch (RuntimeException e) {
            log.warn("Could not start reading {} yet ({}); retrying in the background", events.name(), e.toString());
        }
        running = true;
        thread = Thread.ofPlatform().name("job-event-listener").daemon().start(this::run);
    }

    private void run() {
        try {
            boolean warned = false;
            while (running && !listening) {
                try {
                    if (assign()) {
                        listening = true;
                    } else if (!warned) {
                        warned = true;
                        log.warn(
                                "Topic {} does not exist: job requests are answered 503 until it does. Create the job"
                                        + " topics (the all-in-one launcher does), or set turnstile.topics.job-events.",
                                events.name());
                    }
                } catch (WakeupException e) {
                    // stop() woke us: the loop condition ends it.
                } catch (RuntimeException e) {
                    pollErrors.increment();
                    log.warn("Could not start reading {}: {}; retrying in {}", events.name(), e.toString(), RETRY);
                }
                if (!listening) {
                    pause();
                }
            }
            poll();
        } finally {
            listening = false;
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }

    /** Assigns every partition at its end, resolved now; false while the topic is missing. */
    private boolean assign() {
        var infos = consumer.partitionsFor(events.name(), Duration.ofSeconds(10));
        if (infos == null || infos.isEmpty()) {
            return false;
        }
        var partitions = infos.stream()
                .map(info -> new TopicPartition(info.topic(), info.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        // Resolve the end offsets now: a lazy seek could land after an answer we are about to wait for.
        partitions.forEach(consumer::position);
        log.info("Listening for job events on {} partitions of {}", partitions.size(), events.name());
        return true;
    }

    private void poll() {
        while (running) {
            try {
                for (var record : consumer.poll(POLL)) {
                    if (record.value() != null) {
                        var answered = record.headers().lastHeader(JobTopics.ANSWERED_REQUEST_HEADER);
                        onEvent.accept(
                                record.value(),
                                answered == null ? null : new String(answered.value(), StandardCharsets.UTF_8));
                    }
                }
            } catch (WakeupException e) {
                // stop() woke us: the loop condition ends it.
            } catch (RecordDeserializationException e) {
                // Not a job event (another producer wrote to the public topic): step over it, or it blocks all.
                skippedRecords.increment();
                log.warn(
                        "Skipping a record that is not a job event at {}@{}: {}. Job requests go on being answered.",
                        e.topicPartition(),
                        e.offset(),
                        e.getMessage());
                consumer.seek(e.topicPartition(), e.offset() + 1);
            } catch (RuntimeException e) {
                pollErrors.increment();
                log.error(
                        "Reading job events failed; retrying in {}. Waiting job requests time out with 503 meanwhile"
                                + " and workers retry. Check that Kafka is reachable.",
                        RETRY,
                        e);
                pause();
            }
        }
    }

    private void pause() {
        try {
            Thread.sleep(RETRY);
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

    /** Whether job events are being read, so that a job request can be answered. */
    boolean isListening() {
        var worker = thread;
        return listening && running && worker != null && worker.isAlive();
    }

    @Override
    public int getPhase() {
        // Started before the web server and stopped after it, as the decision listener.
        return WebServerApplicationContext.START_STOP_LIFECYCLE_PHASE - 1024;
    }
}
