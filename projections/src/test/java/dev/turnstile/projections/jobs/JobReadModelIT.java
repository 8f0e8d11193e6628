package dev.turnstile.projections.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.turnstile.contracts.job.ClaimNextJob;
import dev.turnstile.contracts.job.CompleteJob;
import dev.turnstile.contracts.job.EnqueueJob;
import dev.turnstile.contracts.job.HeartbeatJob;
import dev.turnstile.contracts.job.JobCommand;
import dev.turnstile.contracts.job.JobCommandHeader;
import dev.turnstile.contracts.job.JobState;
import dev.turnstile.contracts.json.Json;
import dev.turnstile.contracts.topic.JobTopics;
import dev.turnstile.kafka.local.SharedTestKafka;
import dev.turnstile.processor.ProcessorTopology;
import dev.turnstile.processor.claim.ClaimProcessorService;
import dev.turnstile.processor.config.ProcessorProperties;
import dev.turnstile.projections.feed.TopicFeed;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job read model as it ships, fed by its runner from the committed {@code job-events} of the production processor on
 * the real broker: it catches up, resumes after a restart from the offsets it stored without applying anything twice,
 * and a rebuild from offset 0 into a fresh directory gives the same answers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobReadModelIT {

    private Path dir;
    private String bootstrap;
    private JobTopics topics;
    private ClaimProcessorService processor;
    private KafkaProducer<String, JobCommand> producer;
    private final String queue = "model-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        this.dir = dir;
        bootstrap = SharedTestKafka.bootstrapServers();
        var claimTopics = SharedTestKafka.freshClaimTopics();
        topics = SharedTestKafka.freshJobTopics();
        var settings = ProcessorProperties.defaults(
                SharedTestKafka.uniqueName("job-model"),
                dir.resolve("processor").toString());
        processor = new ClaimProcessorService(
                settings.toStreamsConfig(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap), claimTopics),
                ProcessorTopology.build(
                        claimTopics,
                        Duration.ofSeconds(1),
                        settings.requestMemory(),
                        topics,
                        settings.jobs().topologySettings(settings.requestMemory())));
        processor.start();
        assertThat(processor.awaitRunning(Duration.ofSeconds(90))).isTrue();
        producer = new KafkaProducer<>(
                Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                topics.requests().keySerde().serializer(),
                topics.requests().valueSerde().serializer());
    }

    @AfterAll
    void stop() {
        if (producer != null) {
            producer.close();
        }
        if (processor != null) {
            processor.close();
        }
    }

    @Test
    void the_read_model_resumes_after_a_restart_without_applying_twice_and_a_rebuild_gives_the_same_answers()
            throws Exception {
        for (int i = 0; i < 20; i++) {
            send(EnqueueJob.of(
                    queue,
                    id(),
                    "job-" + i,
                    i % 2 == 0 ? "even" : "odd",
                    Json.MAPPER.valueToTree(Map.of("i", i)),
                    Instant.now()));
        }
        for (int i = 0; i < 5; i++) {
            send(ClaimNextJob.of(queue, id(), "worker-" + i, 0, Instant.now()));
        }
        var store = dir.resolve("jobs");
        var model = JobProjection.open(store, topics.events().name(), Clock.systemUTC(), JobLimits.DEFAULT, false);
        var runner = runner(model);
        runner.start();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> count(model, JobState.ACTIVE) == 5 && count(model, JobState.WAITING) == 15);
        var active = model.jobs(queue, new JobFilter(JobState.ACTIVE, null), null, 1)
                .items()
                .getFirst();
        var token = model.job(queue, active.jobId()).orElseThrow().fencingToken();
        runner.close();
        model.close();

        // Events committed while the read model is down are read when it comes back, and nothing twice.
        send(new HeartbeatJob(
                JobCommandHeader.of(queue, id()), active.jobId(), active.workerId(), token, 50, "half", Instant.now()));
        send(new CompleteJob(
                JobCommandHeader.of(queue, id()), active.jobId(), active.workerId(), token, null, Instant.now()));
        var restarted = JobProjection.open(store, topics.events().name(), Clock.systemUTC(), JobLimits.DEFAULT, false);
        var resumed = runner(restarted);
        resumed.start();
        assertThat(resumed.awaitReady(Duration.ofSeconds(30))).isTrue();
        await().atMost(Duration.ofSeconds(30)).until(() -> count(restarted, JobState.SUCCEEDED) == 1);
        assertThat(restarted.appliedCount())
                .as("only the events after the stored offsets")
                .isEqualTo(2);
        assertThat(restarted.repeatedCount()).isZero();
        assertThat(restarted.job(queue, active.jobId()).orElseThrow().summary().progress())
                .isEqualTo(50);
        var queues = restarted.queues();
        var detail = restarted.job(queue, active.jobId()).orElseThrow();
        var page = restarted.jobs(queue, null, null, 100);
        resumed.close();
        restarted.close();

        var rebuilt = JobProjection.open(
                dir.resolve("rebuilt"), topics.events().name(), Clock.systemUTC(), JobLimits.DEFAULT, false);
        var fromZero = runner(rebuilt);
        fromZero.start();
        try {
            assertThat(fromZero.awaitReady(Duration.ofSeconds(30))).isTrue();
            assertThat(rebuilt.queues()).isEqualTo(queues);
            assertThat(rebuilt.job(queue, active.jobId())).contains(detail);
            assertThat(rebuilt.jobs(queue, null, null, 100)).isEqualTo(page);
        } finally {
            fromZero.close();
            rebuilt.close();
        }
    }

    private TopicFeed<JobEventRecord> runner(JobProjection model) {
        return new TopicFeed<>(
                Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                topics.events().name(),
                model.feedTarget(),
                JobEventRecord::of,
                Duration.ofMillis(200));
    }

    private long count(JobProjection model, JobState state) {
        return model.queue(queue).map(q -> q.counts().of(state)).orElse(0L);
    }

    private void send(JobCommand command) throws Exception {
        producer.send(new ProducerRecord<>(
                        topics.requests().name(), null, command.timestamp().toEpochMilli(), command.queue(), command))
                .get();
    }

    private static String id() {
        return "req-" + UUID.randomUUID();
    }
}
