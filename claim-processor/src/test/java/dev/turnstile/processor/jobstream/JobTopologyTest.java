package dev.turnstile.processor.jobstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnstile.contracts.job.JobClaimed;
import dev.turnstile.contracts.job.JobCommand;
import dev.turnstile.contracts.job.JobDueCheck;
import dev.turnstile.contracts.job.JobEvent;
import dev.turnstile.contracts.job.TimerCommand;
import dev.turnstile.contracts.topic.JobTopics;
import dev.turnstile.processor.config.ProcessorTestConfig;
import dev.turnstile.processor.jobs.JobDecider;
import dev.turnstile.processor.jobs.JobRecord;
import dev.turnstile.processor.jobs.QueueSummary;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The work-queue rules against the production topology and Streams configuration, in TopologyTestDriver. The wall
 * clock starts at {@link #T0}; advancing it drives the timer punctuator, whose commands go back through job-requests.
 */
class JobTopologyTest extends JobSemanticsContract {

    private static final JobTopics TOPICS = JobTopics.DEFAULT;
    static final JobTopology.Settings SETTINGS = new JobTopology.Settings(
            Duration.ofMillis(500), JobDecider.DEFAULT_REQUEST_MEMORY, JobDeciderTest.MAX_PARKED);

    private TopologyTestDriver driver;
    private TestInputTopic<String, JobCommand> requests;
    private TestOutputTopic<String, JobEvent> events;
    private Instant wallClock;

    @BeforeEach
    void startDriver() {
        driver = new TopologyTestDriver(
                JobTopology.build(TOPICS, SETTINGS), ProcessorTestConfig.productionStreamsConfig(), T0);
        wallClock = T0;
        requests = driver.createInputTopic(
                TOPICS.requests().name(),
                TOPICS.requests().keySerde().serializer(),
                TOPICS.requests().valueSerde().serializer());
        events = driver.createOutputTopic(
                TOPICS.events().name(),
                TOPICS.events().keySerde().deserializer(),
                TOPICS.events().valueSerde().deserializer());
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    @Override
    List<JobEvent> run(List<JobCommand> commands) {
        commands.forEach(command ->
                requests.pipeInput(command.queue(), command, command.timestamp().toEpochMilli()));
        return events.readValuesToList();
    }

    @Override
    List<JobEvent> advanceClockTo(int seconds) {
        var target = at(seconds);
        if (target.isAfter(wallClock)) {
            driver.advanceWallClockTime(Duration.between(wallClock, target));
            wallClock = target;
        }
        return events.readValuesToList();
    }

    @Override
    int maxParkedClaims() {
        return JobDeciderTest.MAX_PARKED;
    }

    @Test
    void events_are_keyed_by_queue_stamped_with_the_commands_time_and_name_the_request_they_answer() {
        var enqueue = enqueue("a", 3);
        requests.pipeInput(QUEUE, enqueue, at(99).toEpochMilli());

        var record = events.readRecord();

        assertThat(record.key()).isEqualTo(QUEUE);
        assertThat(record.getRecordTime()).isEqualTo(at(3));
        assertThat(new String(
                        record.headers()
                                .lastHeader(JobTopics.ANSWERED_REQUEST_HEADER)
                                .value(),
                        StandardCharsets.UTF_8))
                .isEqualTo(enqueue.fingerprint());
        assertThat(new String(record.headers().lastHeader("ce_type").value(), StandardCharsets.UTF_8))
                .isEqualTo("dev.turnstile.job.JobEnqueued");
        assertThat(new String(record.headers().lastHeader("ce_id").value(), StandardCharsets.UTF_8))
                .isEqualTo(record.value().eventId());
        assertThat(new String(record.headers().lastHeader("ce_subject").value(), StandardCharsets.UTF_8))
                .isEqualTo(QUEUE + ":a");
        assertThat(new String(record.headers().lastHeader("ce_time").value(), StandardCharsets.UTF_8))
                .isEqualTo(at(3).toString());
    }

    @Test
    void a_grant_to_a_parked_claim_carries_the_parked_requests_fingerprint_not_the_enqueuers() {
        var claim = claimNext("w-1", 0, 30);
        run(claim);
        events.readRecordsToList();

        requests.pipeInput(QUEUE, enqueue("a", 1), at(1).toEpochMilli());
        var records = events.readRecordsToList();

        var grant = records.get(1);
        assertThat(grant.value()).isInstanceOf(JobClaimed.class);
        assertThat(new String(
                        grant.headers()
                                .lastHeader(JobTopics.ANSWERED_REQUEST_HEADER)
                                .value(),
                        StandardCharsets.UTF_8))
                .isEqualTo(claim.fingerprint());
    }

    @Test
    void the_stores_hold_one_record_per_job_and_a_small_summary_per_queue() {
        run(enqueue("a", 0), enqueue("b", 0), claimNext("w-1", 1));

        var jobs = driver.<String, JobRecord>getKeyValueStore(JobTopology.JOBS_STORE);
        var queues = driver.<String, QueueSummary>getKeyValueStore(JobTopology.QUEUES_STORE);
        var waiting = driver.<String, String>getKeyValueStore(JobTopology.WAITING_STORE);

        assertThat(jobs.get("billing|a").state().wireName()).isEqualTo("active");
        assertThat(jobs.get("billing|b").state().wireName()).isEqualTo("waiting");
        assertThat(queues.get(QUEUE).counts().active()).isEqualTo(1);
        assertThat(queues.get(QUEUE).counts().waiting()).isEqualTo(1);
        try (var all = waiting.all()) {
            assertThat(all.next().value).isEqualTo("b");
            assertThat(all.hasNext()).isFalse();
        }
    }

    @Test
    void a_timer_is_appended_to_the_queues_command_log_once_however_often_the_clock_ticks() {
        run(enqueue("a", 0).withDelaySeconds(2));

        for (int tick = 1; tick <= 6; tick++) {
            advanceClockTo(tick);
        }

        var timers = commandLog().readRecordsToList().stream()
                .filter(record -> record.value() instanceof TimerCommand)
                .toList();
        assertThat(timers).singleElement().satisfies(record -> {
            assertThat(record.key()).isEqualTo(QUEUE);
            assertThat(record.value()).isInstanceOf(JobDueCheck.class);
            assertThat(record.getRecordTime()).isEqualTo(at(2));
        });
    }

    @Test
    void a_command_under_another_queue_goes_to_the_dead_letter_topic_and_is_not_decided() {
        requests.pipeInput("other-queue", enqueue("a", 0));
        var raw = driver.createInputTopic(TOPICS.requests().name(), new StringSerializer(), new ByteArraySerializer());
        raw.pipeInput(QUEUE, "{not json".getBytes(StandardCharsets.UTF_8));

        assertThat(events.isEmpty()).isTrue();
        var deadLetters = driver.createOutputTopic(
                TOPICS.deadLetterTopicName(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        assertThat(deadLetters.readRecordsToList())
                .singleElement()
                .satisfies(record -> assertThat(new String(record.key(), StandardCharsets.UTF_8))
                        .isEqualTo("other-queue"));
        assertThat(run(enqueue("a", 1))).hasSize(1);
    }

    @Test
    void replaying_the_command_log_with_its_timer_commands_into_a_fresh_topology_reproduces_every_event() {
        var original = new ArrayList<JobEvent>();
        var log = new ArrayList<JobCommand>();
        var first = List.<JobCommand>of(
                enqueue("a", 0).withLeaseSeconds(2),
                enqueue("b", 0).withDelaySeconds(3),
                claimNext("w-1", 1),
                claimNext("w-2", 1, 10));
        original.addAll(run(first));
        original.addAll(advanceClockTo(4));
        original.addAll(advanceClockTo(8));
        var second = List.<JobCommand>of(claimNext("w-3", 9), enqueue("c", 9), claimNext("w-4", 9, 5));
        original.addAll(run(second));
        original.addAll(advanceClockTo(15));
        var appended = commandLog().readValuesToList();
        // The log as Kafka holds it: the commands and timer checks in the order they were appended.
        log.addAll(first);
        log.addAll(appended.stream().filter(c -> !c.timestamp().isAfter(at(8))).toList());
        log.addAll(second);
        log.addAll(appended.stream().filter(c -> c.timestamp().isAfter(at(8))).toList());

        closeDriver();
        driver = new TopologyTestDriver(
                JobTopology.build(TOPICS, SETTINGS.withTimerCheckInterval(Duration.ZERO)),
                ProcessorTestConfig.productionStreamsConfig(),
                T0);
        requests = driver.createInputTopic(
                TOPICS.requests().name(),
                TOPICS.requests().keySerde().serializer(),
                TOPICS.requests().valueSerde().serializer());
        events = driver.createOutputTopic(
                TOPICS.events().name(),
                TOPICS.events().keySerde().deserializer(),
                TOPICS.events().valueSerde().deserializer());

        assertThat(appended).isNotEmpty();
        assertThat(run(log)).isEqualTo(original);
    }

    private TestOutputTopic<String, JobCommand> commandLog() {
        return driver.createOutputTopic(
                TOPICS.requests().name(),
                TOPICS.requests().keySerde().deserializer(),
                TOPICS.requests().valueSerde().deserializer());
    }
}
