package dev.turnstile.processor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnstile.contracts.claim.ClaimCommand;
import dev.turnstile.contracts.claim.ClaimEvent;
import dev.turnstile.contracts.claim.ClaimRequested;
import dev.turnstile.contracts.claim.TaskKey;
import dev.turnstile.contracts.job.ClaimNextJob;
import dev.turnstile.contracts.job.EnqueueJob;
import dev.turnstile.contracts.job.JobCommand;
import dev.turnstile.contracts.topic.ClaimTopics;
import dev.turnstile.contracts.topic.JobTopics;
import dev.turnstile.processor.config.ProcessorProperties;
import dev.turnstile.processor.config.ProcessorTestConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The processor application runs claims and jobs side by side in one Streams application. */
class ProcessorTopologyTest {

    private static final Instant T0 = Instant.parse("2026-11-23T10:30:00Z");

    @Test
    void claims_are_the_first_sub_topology_so_their_tasks_keep_their_ids_and_jobs_the_second() {
        var topology = ProcessorTopology.build(
                ClaimTopics.DEFAULT,
                Duration.ofSeconds(1),
                Duration.ofHours(24),
                JobTopics.DEFAULT,
                ProcessorProperties.Jobs.DEFAULT.topologySettings(Duration.ofHours(24)));

        var subtopologies = topology.describe().subtopologies().stream()
                .sorted(Comparator.comparingInt(TopologyDescription.Subtopology::id))
                .toList();

        assertThat(subtopologies).hasSize(2);
        assertThat(subtopologies.get(0).nodes()).anyMatch(node -> node.name().equals("claim-requests-source"));
        assertThat(subtopologies.get(1).nodes()).anyMatch(node -> node.name().equals("job-requests-source"));
    }

    @Test
    void one_application_decides_a_claim_and_a_job() {
        var topology = ProcessorTopology.build(
                ClaimTopics.DEFAULT,
                Duration.ZERO,
                Duration.ofHours(24),
                JobTopics.DEFAULT,
                ProcessorProperties.Jobs.DEFAULT.topologySettings(Duration.ofHours(24)));
        try (var driver = new TopologyTestDriver(topology, ProcessorTestConfig.productionStreamsConfig(), T0)) {
            var claims = driver.createInputTopic(
                    ClaimTopics.DEFAULT_REQUESTS,
                    ClaimTopics.DEFAULT.requests().keySerde().serializer(),
                    ClaimTopics.DEFAULT.requests().valueSerde().serializer());
            var jobs = driver.createInputTopic(
                    JobTopics.DEFAULT_REQUESTS,
                    JobTopics.DEFAULT.requests().keySerde().serializer(),
                    JobTopics.DEFAULT.requests().valueSerde().serializer());
            var decisions = driver.createOutputTopic(
                    ClaimTopics.DEFAULT_DECISIONS,
                    ClaimTopics.DEFAULT.decisions().keySerde().deserializer(),
                    ClaimTopics.DEFAULT.decisions().valueSerde().deserializer());
            var events = driver.createOutputTopic(
                    JobTopics.DEFAULT_EVENTS,
                    JobTopics.DEFAULT.events().keySerde().deserializer(),
                    JobTopics.DEFAULT.events().valueSerde().deserializer());
            var key = new TaskKey("hire", "deploy", "3f9c2ab");

            claims.pipeInput(key.value(), (ClaimCommand) ClaimRequested.of(key, "agent-1", "req-00000001", T0));
            jobs.pipeInput("billing", (JobCommand) EnqueueJob.of("billing", "req-00000001", "a", "x", null, T0));
            jobs.pipeInput("billing", (JobCommand) ClaimNextJob.of("billing", "req-00000002", "w-1", 0, T0));

            assertThat(decisions.readValuesToList())
                    .singleElement()
                    .extracting(ClaimEvent::wasGranted)
                    .isEqualTo(true);
            assertThat(events.readValuesToList())
                    .extracting(event -> event.getClass().getSimpleName())
                    .containsExactly("JobEnqueued", "JobClaimed");
        }
    }

    @Test
    void the_job_settings_bind_from_turnstile_processor_jobs_with_their_defaults() {
        var defaults = bind(Map.of());
        var custom = bind(Map.of(
                "turnstile.processor.jobs.enabled", "false",
                "turnstile.processor.jobs.timer-check-interval", "100ms",
                "turnstile.processor.jobs.max-parked-claims", "16"));

        assertThat(defaults.jobs()).isEqualTo(new ProcessorProperties.Jobs(true, Duration.ofMillis(500), 256));
        assertThat(custom.jobs()).isEqualTo(new ProcessorProperties.Jobs(false, Duration.ofMillis(100), 16));
    }

    private static ProcessorProperties bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties))
                .bindOrCreate("turnstile.processor", ProcessorProperties.class);
    }
}
