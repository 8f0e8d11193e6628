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

    @Test
    void a_record_that_is_not_a_command_is_skipped_and_the_next_command_is_decided() {
        var raw = driver.createInputTopic(TOPICS.requests().name(), new StringSerializer(), new ByteArraySerializer());
        raw.pipeInput(DEPLOY.value(), "{not json".getBytes(StandardCharsets.UTF_8));

        var events = run(List.of(claim(DEPLOY, "agent-1", "req-0001", 0)));

        assertThat(events).singleElement().extracting(ClaimEvent::wasGranted).isEqualTo(true);
        assertThat(driver.metrics().entrySet())
                .anySatisfy(metric -> {
                    assertThat(metric.getKey().name()).isEqualTo("dropped-records-total");
                    assertThat((Double) metric.getValue().metricValue()).isEqualTo(1.0);
                });
    }

    @Test
    void a_command_under_another_key_is_skipped_without_a_decision() {
        requests.pipeInput("other:key:abcdef1", claim(DEPLOY, "agent-1", "req-0001", 0));

        assertThat(decisions.isEmpty()).isTrue();
    }
}
