package dev.turnstile.processor.claim;

import static dev.turnstile.processor.claim.Commands.DEPLOY;
import static dev.turnstile.processor.claim.Commands.T0;
import static dev.turnstile.processor.claim.Commands.claim;
import static org.assertj.core.api.Assertions.assertThat;

import dev.turnstile.contracts.claim.ClaimCommand;
import dev.turnstile.contracts.claim.ClaimEvent;
import dev.turnstile.contracts.topic.ClaimTopics;
import dev.turnstile.processor.config.ProcessorTestConfig;
import java.nio.charset.StandardCharsets;
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
class ClaimTopologyTest extends ClaimSemanticsContract {

    private static final ClaimTopics TOPICS = ClaimTopics.DEFAULT;

    private TopologyTestDriver driver;
    private TestInputTopic<String, ClaimCommand> requests;
    private TestOutputTopic<String, ClaimEvent> decisions;

    @BeforeEach
    void startDriver() {
        driver = new TopologyTestDriver(ClaimTopology.build(TOPICS), ProcessorTestConfig.productionStreamsConfig());
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
        requests.pipeInput(DEPLOY.value(), claim(DEPLOY, "agent-1", "req-0001", 3), T0.plusSeconds(99).toEpochMilli());

        TestRecord<String, ClaimEvent> decision = decisions.readRecord();

        assertThat(decision.key()).isEqualTo(DEPLOY.value());
        assertThat(decision.getRecordTime()).isEqualTo(T0.plusSeconds(3));
    }

    @Test
    void the_state_store_holds_the_holder_after_a_grant() {
        run(List.of(claim(DEPLOY, "agent-1", "req-0001", 0)));

        ClaimState state = driver.<String, ClaimState>getKeyValueStore(ClaimTopology.STATE_STORE).get(DEPLOY.value());

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
            assertThat(new String(record.headers().lastHeader(PoisonCommandHandler.ERROR_HEADER).value(),
                            StandardCharsets.UTF_8))
                    .contains("does not match");
        });
        assertThat(droppedRecords()).isEqualTo(1.0);
        assertThat(run(List.of(claim(DEPLOY, "agent-1", "req-0001", 0)))).hasSize(1);
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
