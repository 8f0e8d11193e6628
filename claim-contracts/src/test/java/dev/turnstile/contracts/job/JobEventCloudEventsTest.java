package dev.turnstile.contracts.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnstile.contracts.topic.CloudEventHeaders;
import dev.turnstile.contracts.topic.JobTopics;
import io.cloudevents.kafka.CloudEventDeserializer;
import java.net.URI;
import java.time.OffsetDateTime;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The headers of {@code job-events} as the CloudEvents SDK's own Kafka deserializer reads them. */
class JobEventCloudEventsTest {

    @Test
    void the_cloudevents_sdk_reads_every_job_event_with_its_attributes_and_the_value_as_its_data() {
        var serde = JobTopics.DEFAULT.events().valueSerde();
        try (var sdk = new CloudEventDeserializer()) {
            for (var event : JobSamples.EVENTS) {
                var value = serde.serializer().serialize("job-events", event);

                var read = sdk.deserialize("job-events", CloudEventHeaders.of(event), value);

                assertThat(read.getType())
                        .isEqualTo("dev.turnstile.job." + JobEventType.of(event).wireName());
                assertThat(read.getId()).isEqualTo(event.eventId());
                assertThat(read.getSource()).isEqualTo(URI.create("/turnstile/jobs"));
                assertThat(read.getTime())
                        .isEqualTo(OffsetDateTime.parse(event.occurredAt().toString()));
                assertThat(read.getSubject()).startsWith(event.queue());
                assertThat(read.getData().toBytes()).isEqualTo(value);
            }
        }
    }

    @Test
    void an_event_about_one_job_has_the_job_reference_as_its_subject() {
        var enqueued = JobSamples.EVENTS.stream()
                .filter(JobEnqueued.class::isInstance)
                .map(JobEnqueued.class::cast)
                .findFirst()
                .orElseThrow();

        var subject = CloudEventHeaders.of(enqueued).lastHeader("ce_subject").value();

        assertThat(new String(subject, java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo(enqueued.queue() + ":" + enqueued.jobId());
    }

    @Test
    void every_job_event_type_has_its_own_ce_type_under_one_prefix() {
        assertThat(Arrays.stream(JobEventType.values()).map(CloudEventHeaders::ceType))
                .doesNotHaveDuplicates()
                .allSatisfy(type -> assertThat(type).startsWith(CloudEventHeaders.JOB_TYPE_PREFIX));
    }
}
