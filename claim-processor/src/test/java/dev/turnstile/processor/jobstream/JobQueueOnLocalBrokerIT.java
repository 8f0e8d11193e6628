package dev.turnstile.processor.jobstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnstile.contracts.job.ClaimNextJob;
import dev.turnstile.contracts.job.CompleteJob;
import dev.turnstile.contracts.job.EnqueueJob;
import dev.turnstile.contracts.job.JobClaimed;
import dev.turnstile.contracts.job.JobEnqueued;
import dev.turnstile.contracts.job.JobEvent;
import dev.turnstile.contracts.job.JobFailed;
import dev.turnstile.contracts.job.JobSucceeded;
import dev.turnstile.contracts.job.NoJobAvailable;
import dev.turnstile.contracts.json.Json;
import dev.turnstile.contracts.topic.ClaimTopics;
import dev.turnstile.contracts.topic.JobTopics;
import dev.turnstile.kafka.local.SharedTestKafka;
import dev.turnstile.processor.ProcessorTopology;
import dev.turnstile.processor.claim.ClaimProcessorService;
import dev.turnstile.processor.config.ProcessorProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.Topology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Work queues on a real Kafka broker (the project's shared test broker) with the production processor, at the topic
 * level: requests go to job-requests and answers come back from job-events, matched by request id as the gateway
 * will. Eight workers drain two thousand jobs from four queues; then the request log, timer commands included, is
 * replayed into a fresh processor.
 */
class JobQueueOnLocalBrokerIT {

    private static final int JOBS = 2_000;
    private static final int WORKERS = 8;
    private static final List<String> QUEUES = List.of("billing", "mailing", "reports", "exports");
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);

    private final String bootstrap = SharedTestKafka.bootstrapServers();

    @Test
    void eight_workers_complete_two_thousand_jobs_exactly_once_and_a_replay_reproduces_every_event(@TempDir Path dir)
            throws Exception {
        var claimTopics = SharedTestKafka.freshClaimTopics();
        var jobTopics = SharedTestKafka.freshJobTopics();
        var started = System.nanoTime();
        var successes = new ConcurrentHashMap<String, List<JobSucceeded>>();
        var refusals = new CopyOnWriteArrayList<JobEvent>();

        try (var processor = startProcessor(
                        "jobs-it",
                        dir.resolve("processor"),
                        claimTopics,
                        ProcessorTopology.build(
                                claimTopics,
                                Duration.ofSeconds(1),
                                Duration.ofHours(24),
                                jobTopics,
                                ProcessorProperties.Jobs.DEFAULT.topologySettings(Duration.ofHours(24))));
                var client = new JobRequestReply(bootstrap, jobTopics)) {
            enqueueAll(client);
            var done = new AtomicInteger();
            try (var workers = Executors.newFixedThreadPool(WORKERS)) {
                var running = new ArrayList<Future<?>>();
                for (int w = 0; w < WORKERS; w++) {
                    var worker = "worker-" + w;
                    running.add(workers.submit(() -> work(client, worker, done, successes, refusals)));
                }
                for (var future : running) {
                    future.get();
                }
            }
            processor.close(Duration.ofSeconds(30));
        }
        var drained = Duration.ofNanos(System.nanoTime() - started);

        assertThat(refusals).isEmpty();
        assertThat(successes).hasSize(JOBS);
        assertThat(successes.values()).allSatisfy(answers -> assertThat(answers).hasSize(1));
        var events = readCommitted(jobTopics.events().name());
        assertNeverActiveUnderTwoValidTokens(
                events.values().stream().flatMap(List::stream).toList());
        assertThat(events.values().stream()
                        .flatMap(List::stream)
                        .filter(JobSucceeded.class::isInstance)
                        .map(event -> ((JobSucceeded) event).jobId())
                        .distinct())
                .hasSize(JOBS);

        var replayStarted = System.nanoTime();
        var replayed = SharedTestKafka.freshTopic("job-events-replay", JobTopics.DEFAULT_PARTITIONS);
        var replayTopics = JobTopics.named(jobTopics.requests().name(), replayed);
        var settings = ProcessorProperties.Jobs.DEFAULT
                .topologySettings(Duration.ofHours(24))
                .withTimerCheckInterval(Duration.ZERO);
        var originalBytes = readBytes(jobTopics.events().name());
        try (var replay = startProcessor(
                "jobs-it-replay", dir.resolve("replay"), claimTopics, JobTopology.build(replayTopics, settings))) {
            waitUntil(() -> countOf(readBytes(replayed)) >= countOf(originalBytes), Duration.ofSeconds(60));
            replay.close(Duration.ofSeconds(30));
        }
        var replayedBytes = readBytes(replayed);
        for (var partition : originalBytes.keySet()) {
            var original = originalBytes.get(partition);
            var again = replayedBytes.getOrDefault(partition, List.of());
            assertThat(again).as("partition " + partition).hasSameSizeAs(original);
            for (int i = 0; i < original.size(); i++) {
                assertThat(again.get(i))
                        .as("partition " + partition + " record " + i)
                        .isEqualTo(original.get(i));
            }
        }
        System.out.printf(
                "Drained %d jobs with %d workers in %d ms; replayed %d events in %d ms%n",
                JOBS,
                WORKERS,
                drained.toMillis(),
                countOf(originalBytes),
                Duration.ofNanos(System.nanoTime() - replayStarted).toMillis());
    }

    private void enqueueAll(JobRequestReply client) throws Exception {
        var answers = new ArrayList<java.util.concurrent.CompletableFuture<dev.turnstile.contracts.job.JobAnswer>>();
        for (int i = 0; i < JOBS; i++) {
            var queue = QUEUES.get(i % QUEUES.size());
            answers.add(client.send(EnqueueJob.of(
                            queue,
                            "enqueue-" + i,
                            "job-" + i,
                            "work",
                            Json.MAPPER.readTree("{\"n\":" + i + "}"),
                            Instant.now())
                    .withPriority(i % 3)));
        }
        for (var answer : answers) {
            assertThat(answer.get(ANSWER_TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS))
                    .isInstanceOf(JobEnqueued.class);
        }
    }

    /** A worker: claim the next job of the queues in turn (long-polling a second), complete it; until all are done. */
    private static void work(
            JobRequestReply client,
            String worker,
            AtomicInteger done,
            Map<String, List<JobSucceeded>> successes,
            List<JobEvent> refusals) {
        int requests = 0;
        int turn = 0;
        while (done.get() < JOBS) {
            var queue = QUEUES.get(turn++ % QUEUES.size());
            var answer = client.ask(
                    ClaimNextJob.of(queue, worker + "-" + requests++, worker, 1, Instant.now()), ANSWER_TIMEOUT);
            switch (answer) {
                case JobClaimed claimed -> {
                    var result = client.ask(
                            CompleteJob.of(
                                    queue,
                                    worker + "-" + requests++,
                                    claimed.jobId(),
                                    worker,
                                    claimed.fencingToken(),
                                    null,
                                    Instant.now()),
                            ANSWER_TIMEOUT);
                    if (result instanceof JobSucceeded succeeded) {
                        successes
                                .computeIfAbsent(succeeded.jobId(), id -> new CopyOnWriteArrayList<>())
                                .add(succeeded);
                        done.incrementAndGet();
                    } else {
                        refusals.add(result);
                    }
                }
                case NoJobAvailable none -> {}
                case dev.turnstile.contracts.job.JobRequestRefused refused -> refusals.add(refused);
            }
        }
    }

    /** Folds each job's events: a grant only while the job is not held, so never two valid tokens at once. */
    private static void assertNeverActiveUnderTwoValidTokens(List<JobEvent> events) {
        var holder = new HashMap<String, Long>();
        var lastToken = new HashMap<String, Long>();
        for (var event : events) {
            if (event.redelivery()) {
                continue;
            }
            var job = event.queue() + "|";
            switch (event) {
                case JobClaimed claimed -> {
                    assertThat(holder.putIfAbsent(job + claimed.jobId(), claimed.fencingToken()))
                            .as("%s handed out while held", claimed.jobId())
                            .isNull();
                    assertThat(claimed.fencingToken()).isGreaterThan(lastToken.getOrDefault(event.queue(), 0L));
                    lastToken.put(event.queue(), claimed.fencingToken());
                }
                case JobSucceeded succeeded ->
                    assertThat(holder.remove(job + succeeded.jobId())).isEqualTo(succeeded.fencingToken());
                case JobFailed failed ->
                    assertThat(holder.remove(job + failed.jobId())).isEqualTo(failed.fencingToken());
                default -> {}
            }
        }
        assertThat(holder).isEmpty();
    }

    private ClaimProcessorService startProcessor(String name, Path stateDir, ClaimTopics claimTopics, Topology topology)
            throws Exception {
        Files.createDirectories(stateDir);
        var config = ProcessorProperties.defaults(SharedTestKafka.uniqueName(name), stateDir.toString())
                .toStreamsConfig(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap), claimTopics);
        var processor = new ClaimProcessorService(config, topology);
        processor.start();
        assertThat(processor.awaitRunning(Duration.ofSeconds(60)))
                .as("processor running")
                .isTrue();
        return processor;
    }

    /** Every committed event of the topic, by partition, in order. */
    private Map<Integer, List<JobEvent>> readCommitted(String topic) {
        var serde = JobTopics.DEFAULT.events().valueSerde().deserializer();
        var bytes = readBytes(topic);
        var events = new HashMap<Integer, List<JobEvent>>();
        bytes.forEach((partition, values) -> events.put(
                partition,
                values.stream().map(value -> serde.deserialize(topic, value)).toList()));
        return events;
    }

    /** Every committed record value of the topic, by partition, in order. */
    private Map<Integer, List<byte[]>> readBytes(String topic) {
        try (var consumer = new KafkaConsumer<>(
                Map.<String, Object>of(
                        CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap,
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false,
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed"),
                new StringDeserializer(),
                new ByteArrayDeserializer())) {
            var partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            var ends = consumer.endOffsets(partitions);
            var values = new HashMap<Integer, List<byte[]>>();
            partitions.forEach(partition -> values.put(partition.partition(), new ArrayList<>()));
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < ends.get(partition))) {
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    values.get(record.partition()).add(record.value());
                }
            }
            return values;
        }
    }

    private static int countOf(Map<Integer, List<byte[]>> values) {
        return values.values().stream().mapToInt(List::size).sum();
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition, Duration timeout)
            throws InterruptedException {
        var deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Not reached within " + timeout);
            }
            Thread.sleep(500);
        }
    }
}
