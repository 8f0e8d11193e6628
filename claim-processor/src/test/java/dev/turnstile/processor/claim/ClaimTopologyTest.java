package dev.turnstile.processor.claim;

import static dev.turnstile.processor.claim.Commands.DEPLOY;
import static dev.turnstile.processor.claim.Commands.T0;
import static dev.turnstile.processor.claim.Commands.claim;
import static dev.turnstile.processor.claim.Commands.complete;
import static dev.turnstile.processor.claim.Commands.lease;
import static dev.turnstile.processor.claim.Commands.renew;
import static org.assertj.core.api.Assertions.assertThat;

import dev.turnstile.contracts.claim.ClaimCommand;
import dev.turnstile.contracts.claim.ClaimEvent;
import dev.turnstile.contracts.claim.ClaimOutcome;
import dev.turnstile.contracts.claim.ExpireDue;
import dev.turnstile.contracts.claim.LeaseExpired;
import dev.turnstile.contracts.topic.ClaimTopics;
import dev.turnstile.processor.config.ProcessorTestConfig;
import dev.turnstile.processor.decision.ClaimState;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The claim rules against the production topology and Streams configuration, in TopologyTestDriver. */
class ClaimTopologyTest extends LeaseSemanticsContract {

    private static final ClaimTopics TOPICS = ClaimTopics.DEFAULT;

    private TopologyTestDriver driver;
    private TestInputTopic<String, ClaimCommand> requests;
    private TestOutputTopic<String, ClaimEvent> decisions;

    @BeforeEach
    void startDriver() {
        // The wall clock starts at T0; expiry checks run only when a test advances it.
        driver = new TopologyTestDriver(ClaimTopology.build(TOPICS), ProcessorTestConfig.productionStreamsConfig(), T0);
        requests = driver.createInputTopic(
                TOPICS.requests().name(),
                TOPICS.requests().keySerde().serializer(),
                TOPICS.requests().valueSerde().serializer());
        decisions = driver.createOutputTopic(
                TOPICS.decisions().name(),
                TOPICS.decisions().keySerde().deserializer(),
                TOPICS.decisions().valueSerde().deserializer());
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    @Override
    List<ClaimEvent> run(List<ClaimCommand> commands) {
        commands.forEach(command -> requests.pipeInput(
                command.taskKey(), command, command.timestamp().toEpochMilli()));
        return decisions.readValuesToList();
    }

    @Test
    void decisions_are_keyed_by_task_key_and_stamped_with_the_commands_time() {
        requests.pipeInput(
                DEPLOY.value(),
                claim(DEPLOY, "agent-1", "req-0001", 3),
                T0.plusSeconds(99).toEpochMilli());

        TestRecord<String, ClaimEvent> decision = decisions.readRecord();

        assertThat(decision.key()).isEqualTo(DEPLOY.value());
        assertThat(decision.getRecordTime()).isEqualTo(T0.plusSeconds(3));
    }

    @Test
    void every_decision_carries_cloudevents_headers_made_from_the_decision_alone() {
        requests.pipeInput(
                DEPLOY.value(),
                claim(DEPLOY, "agent-1", "req-0001", 3),
                T0.plusSeconds(99).toEpochMilli());
        requests.pipeInput(
                DEPLOY.value(),
                claim(DEPLOY, "agent-2", "req-0002", 4),
                T0.plusSeconds(99).toEpochMilli());

        var records = decisions.readRecordsToList();

        assertThat(records).hasSize(2);
        assertThat(headers(records.get(0)))
                .containsEntry("ce_specversion", "1.0")
                .containsEntry("ce_type", "dev.turnstile.claim.ClaimGranted")
                .containsEntry("ce_id", DEPLOY.value() + "#1")
                .containsEntry("ce_source", "/turnstile/claims")
                .containsEntry("ce_time", T0.plusSeconds(3).toString())
                .containsEntry("ce_subject", DEPLOY.value())
                .containsEntry("content-type", "application/json")
                .containsKey(ClaimTopics.ANSWERED_REQUEST_HEADER);
        assertThat(headers(records.get(1)))
                .containsEntry("ce_type", "dev.turnstile.claim.ClaimDenied")
                .containsEntry("ce_id", DEPLOY.value() + "#2");
    }

    @Test
    void the_log_line_about_a_decision_carries_its_request_id() {
        var logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(ClaimProcessor.class);
        var lines = new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
        var level = logger.getLevel();
        lines.start();
        logger.addAppender(lines);
        logger.setLevel(ch.qos.logback.classic.Level.DEBUG);
        try {
            run(List.of(claim(DEPLOY, "agent-1", "req-0001", 0)));
        } finally {
            logger.detachAppender(lines);
            logger.setLevel(level);
        }

        assertThat(lines.list)
                .isNotEmpty()
                .allSatisfy(line -> assertThat(line.getMDCPropertyMap()).containsEntry("requestId", "req-0001"));
    }

    @Test
    void replayed_decisions_carry_the_same_headers_byte_for_byte() {
        var log = List.<ClaimCommand>of(
                lease(DEPLOY, "agent-1", "req-0001", 0, 2),
                claim(DEPLOY, "agent-2", "req-0002", 1),
                claim(DEPLOY, "agent-2", "req-0002", 1),
                complete(DEPLOY, "agent-1", 1, ClaimOutcome.SUCCEEDED, "req-0003", 1));
        var original = runForHeaders(log);

        closeDriver();
        startDriver();

        assertThat(original).hasSize(4);
        assertThat(runForHeaders(log)).isEqualTo(original);
    }

    private List<List<String>> runForHeaders(List<ClaimCommand> commands) {
        commands.forEach(command -> requests.pipeInput(
                command.taskKey(), command, command.timestamp().plusSeconds(60).toEpochMilli()));
        return decisions.readRecordsToList().stream()
                .map(record -> java.util.Arrays.stream(record.headers().toArray())
                        .map(header -> header.key() + "=" + new String(header.value(), StandardCharsets.UTF_8))
                        .toList())
                .toList();
    }

    private static java.util.Map<String, String> headers(TestRecord<String, ClaimEvent> record) {
        var headers = new java.util.LinkedHashMap<String, String>();
        record.headers()
                .forEach(header -> headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8)));
        return headers;
    }

    @Test
    void the_state_store_holds_the_holder_after_a_grant() {
        run(List.of(claim(DEPLOY, "agent-1", "req-0001", 0)));

        ClaimState state = driver.<String, ClaimState>getKeyValueStore(ClaimTopology.STATE_STORE)
                .get(DEPLOY.value());

        assertThat(state.holder().agentId()).isEqualTo("agent-1");
    }

    /** TopologyTestDriver does not capture dead-letter records of deserialization failures; the fault suite does. */
    @Test
    void a_record_that_is_not_a_command_is_dropped_and_counted_and_the_next_command_is_decided() {
        var raw = driver.createInputTopic(TOPICS.requests().name(), new StringSerializer(), new ByteArraySerializer());
        raw.pipeInput(DEPLOY.value(), "{not json".getBytes(StandardCharsets.UTF_8));

        var events = run(List.of(claim(DEPLOY, "agent-1", "req-0001", 0)));

        assertThat(events).singleElement().extracting(ClaimEvent::wasGranted).isEqualTo(true);
        assertThat(droppedRecords()).isEqualTo(1.0);
    }

    @Test
    void a_command_under_another_key_goes_to_the_dead_letter_topic_with_the_reason_and_is_not_decided() {
        requests.pipeInput("other:key:abcdef1", claim(DEPLOY, "agent-1", "req-0001", 0));

        assertThat(decisions.isEmpty()).isTrue();
        assertThat(deadLetters().readRecordsToList()).singleElement().satisfies(record -> {
            assertThat(record.key()).isEqualTo("other:key:abcdef1".getBytes(StandardCharsets.UTF_8));
            assertThat(new String(
                            record.headers()
                                    .lastHeader(PoisonCommandHandler.ERROR_HEADER)
                                    .value(),
                            StandardCharsets.UTF_8))
                    .contains("does not match");
        });
        assertThat(droppedRecords()).isEqualTo(1.0);
        assertThat(run(List.of(claim(DEPLOY, "agent-1", "req-0001", 0)))).hasSize(1);
    }

    @Test
    void a_lease_past_expiry_by_the_wall_clock_is_announced_without_any_further_command() {
        run(List.of(lease(DEPLOY, "agent-1", "req-0001", 0, 2)));

        driver.advanceWallClockTime(Duration.ofSeconds(3));

        assertThat(decisions.readValuesToList()).singleElement().isInstanceOfSatisfying(LeaseExpired.class, expired -> {
            assertThat(expired.agentId()).isEqualTo("agent-1");
            assertThat(expired.fencingToken()).isEqualTo(1);
            assertThat(expired.expiresAt()).isEqualTo(T0.plusSeconds(2));
            assertThat(expired.attemptedAt()).isEqualTo(T0.plusSeconds(3));
        });
    }

    @Test
    void the_expiry_check_is_appended_to_the_keys_command_log_once_however_often_the_clock_ticks() {
        run(List.of(lease(DEPLOY, "agent-1", "req-0001", 0, 2)));

        for (int tick = 0; tick < 5; tick++) {
            driver.advanceWallClockTime(Duration.ofSeconds(1));
        }

        var appended = commandLog().readRecordsToList().stream()
                .filter(record -> record.value() instanceof ExpireDue)
                .toList();
        assertThat(appended).singleElement().satisfies(record -> {
            assertThat(record.key()).isEqualTo(DEPLOY.value());
            assertThat(record.getRecordTime()).isEqualTo(T0.plusSeconds(2));
        });
        assertThat(decisions.readValuesToList()).singleElement().isInstanceOf(LeaseExpired.class);
    }

    @Test
    void a_lease_renewed_in_time_is_not_announced_at_its_original_expiry() {
        run(List.of(lease(DEPLOY, "agent-1", "req-0001", 0, 2), renew(DEPLOY, "agent-1", 1, "req-0002", 1)));

        driver.advanceWallClockTime(Duration.ofMillis(2500));
        assertThat(decisions.readValuesToList()).isEmpty();

        driver.advanceWallClockTime(Duration.ofSeconds(1));
        assertThat(decisions.readValuesToList())
                .singleElement()
                .isInstanceOfSatisfying(
                        LeaseExpired.class,
                        expired -> assertThat(expired.expiresAt()).isEqualTo(T0.plusSeconds(3)));
    }

    @Test
    void once_claims_are_never_checked_for_expiry() {
        run(List.of(claim(DEPLOY, "agent-1", "req-0001", 0)));

        driver.advanceWallClockTime(Duration.ofDays(400));

        assertThat(decisions.isEmpty()).isTrue();
        assertThat(commandLog().readRecordsToList()).isEmpty();
    }

    @Test
    void replaying_the_command_log_with_its_expiry_checks_into_a_fresh_topology_reproduces_every_decision() {
        var first = List.<ClaimCommand>of(
                lease(DEPLOY, "agent-1", "req-0001", 0, 2), renew(DEPLOY, "agent-1", 1, "req-0002", 1));
        var later = List.<ClaimCommand>of(
                lease(DEPLOY, "agent-2", "req-0003", 5, 2),
                renew(DEPLOY, "agent-1", 1, "req-0004", 6),
                complete(DEPLOY, "agent-2", 2, ClaimOutcome.SUCCEEDED, "req-0005", 6));
        var original = new ArrayList<ClaimEvent>(run(first));
        driver.advanceWallClockTime(Duration.ofSeconds(4));
        original.addAll(decisions.readValuesToList());
        var checks = commandLog().readValuesToList();
        original.addAll(run(later));
        var log = new ArrayList<ClaimCommand>(first);
        log.addAll(checks);
        log.addAll(later);

        closeDriver();
        startDriver();

        assertThat(checks).singleElement().isInstanceOf(ExpireDue.class);
        assertThat(original)
                .extracting(event -> event.getClass().getSimpleName())
                .containsExactly(
                        "ClaimGranted",
                        "LeaseRenewed",
                        "LeaseExpired",
                        "ClaimGranted",
                        "RequestRefused",
                        "ClaimCompleted");
        assertThat(run(log)).isEqualTo(original);
    }

    private TestOutputTopic<String, ClaimCommand> commandLog() {
        return driver.createOutputTopic(
                TOPICS.requests().name(),
                TOPICS.requests().keySerde().deserializer(),
                TOPICS.requests().valueSerde().deserializer());
    }

    private TestOutputTopic<byte[], byte[]> deadLetters() {
        return driver.createOutputTopic(
                TOPICS.deadLetterTopicName(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private double droppedRecords() {
        return driver.metrics().entrySet().stream()
                .filter(metric -> metric.getKey().name().equals("dropped-records-total"))
                .mapToDouble(metric -> (Double) metric.getValue().metricValue())
                .sum();
    }
}
