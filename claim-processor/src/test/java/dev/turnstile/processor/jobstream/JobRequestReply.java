package dev.turnstile.processor.jobstream;

import dev.turnstile.contracts.job.JobAnswer;
import dev.turnstile.contracts.job.JobCommand;
import dev.turnstile.contracts.job.JobEvent;
import dev.turnstile.contracts.job.JobRequest;
import dev.turnstile.contracts.topic.JobTopics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * Request/reply over the job topics, as the gateway will do it: a request is appended to job-requests under its
 * queue, and the answer is the event on job-events that answers its request id with its fingerprint (the
 * {@code turnstile-answers} header). Events are read uncommitted, from the end, on all partitions, without a group.
 * Every waiting request has a timeout.
 */
final class JobRequestReply implements AutoCloseable {

    private record Pending(String fingerprint, CompletableFuture<JobAnswer> answer) {}

    private final JobTopics topics;
    private final KafkaProducer<String, JobCommand> producer;
    private final KafkaConsumer<String, JobEvent> consumer;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final Thread reader;
    private volatile boolean running = true;

    JobRequestReply(String bootstrapServers, JobTopics topics) {
        this.topics = topics;
        this.producer = new KafkaProducer<>(
                Map.of(
                        CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        ProducerConfig.ACKS_CONFIG,
                        "all",
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                        true,
                        ProducerConfig.LINGER_MS_CONFIG,
                        0),
                topics.requests().keySerde().serializer(),
                topics.requests().valueSerde().serializer());
        this.consumer = new KafkaConsumer<>(
                Map.of(
                        CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false,
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_uncommitted",
                        ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG,
                        50),
                topics.events().keySerde().deserializer(),
                topics.events().valueSerde().deserializer());
        var partitions = consumer.partitionsFor(topics.events().name()).stream()
                .map(info -> new TopicPartition(info.topic(), info.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        // Resolve the end offsets now, so that no answer to a request sent after this returns is missed.
        partitions.forEach(consumer::position);
        this.reader = Thread.ofPlatform().name("job-events-reader").start(this::read);
    }

    /** Sends {@code request} and waits for its answer. */
    <A extends JobAnswer> A ask(JobRequest<A> request, Duration timeout) {
        try {
            return request.answerType().cast(send(request).get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            pending.remove(request.requestId());
            throw new AssertionError("No answer to " + request + " within " + timeout, e);
        } catch (ExecutionException e) {
            throw new AssertionError("Could not send " + request, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted waiting for " + request, e);
        }
    }

    /** Sends {@code request}; the future completes with its answer. */
    CompletableFuture<JobAnswer> send(JobRequest<?> request) {
        var answer = new CompletableFuture<JobAnswer>();
        pending.put(request.requestId(), new Pending(request.fingerprint(), answer));
        producer.send(
                new ProducerRecord<>(
                        topics.requests().name(), null, request.timestamp().toEpochMilli(), request.queue(), request),
                (metadata, error) -> {
                    if (error != null) {
                        pending.remove(request.requestId());
                        answer.completeExceptionally(error);
                    }
                });
        return answer;
    }

    private void read() {
        try {
            while (running) {
                for (var record : consumer.poll(Duration.ofMillis(100))) {
                    var header = record.headers().lastHeader(JobTopics.ANSWERED_REQUEST_HEADER);
                    if (!(record.value() instanceof JobAnswer answer) || !answer.answersRequest() || header == null) {
                        continue;
                    }
                    var fingerprint = new String(header.value(), StandardCharsets.UTF_8);
                    // Remove only the waiter whose request this answers: a reused id's refusal goes to nobody here.
                    var waiting = pending.get(answer.requestId());
                    if (waiting != null
                            && waiting.fingerprint().equals(fingerprint)
                            && pending.remove(answer.requestId(), waiting)) {
                        waiting.answer().complete(answer);
                    }
                }
            }
        } catch (WakeupException e) {
            // Closing.
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        reader.join(Duration.ofSeconds(10));
        consumer.close();
        producer.close(Duration.ofSeconds(10));
    }
}
