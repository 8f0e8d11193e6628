package dev.turnstile.contracts.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.turnstile.contracts.json.Json;
import dev.turnstile.contracts.topic.JobTopics;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/** What the job-events topic carries matches the published JSON Schema, and the schema says what it promises. */
class JobEventSchemaTest {

    private final Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
            .getSchema(getClass().getResourceAsStream("/schemas/job-events.v1.schema.json"));

    @Test
    void every_kind_of_event_as_written_to_the_topic_conforms_to_the_schema() {
        for (var event : JobSamples.EVENTS) {
            assertThat(schema.validate(written(event)))
                    .as(JobEventType.of(event).wireName())
                    .isEmpty();
            assertThat(schema.validate(written(event.asRedelivery()))).isEmpty();
        }
    }

    @Test
    void the_schema_names_every_event_type_and_no_other() {
        var types = Json.MAPPER
                .readTree(getClass().getResourceAsStream("/schemas/job-events.v1.schema.json"))
                .get("$defs")
                .get("knownType")
                .get("enum");

        assertThat(types.valueStream().map(node -> node.asString()).toList())
                .containsExactlyInAnyOrder(java.util.Arrays.stream(JobEventType.values())
                        .map(JobEventType::wireName)
                        .toArray(String[]::new));
    }

    @Test
    void the_schema_rejects_an_event_missing_a_header_field() {
        var json = written(JobSamples.EVENTS.get(0));
        json.remove("eventId");

        assertThat(schema.validate(json)).isNotEmpty();
    }

    @Test
    void the_schema_rejects_a_grant_without_its_fencing_token() {
        var json = written(JobSamples.EVENTS.get(4));
        json.remove("fencingToken");

        assertThat(schema.validate(json)).isNotEmpty();
    }

    @Test
    void the_schema_rejects_an_enqueued_job_said_to_be_active() {
        var json = written(JobSamples.EVENTS.get(0));
        json.put("state", "active");

        assertThat(schema.validate(json)).isNotEmpty();
    }

    @Test
    void the_schema_rejects_a_refusal_with_a_no_job_reason() {
        var json = written(JobSamples.EVENTS.get(22));
        json.put("reason", "queue_empty");

        assertThat(schema.validate(json)).isNotEmpty();
    }

    @Test
    void an_event_of_a_type_added_later_validates_on_its_envelope_alone() {
        var json = written(JobSamples.EVENTS.get(18));
        json.put("type", "QueueDrained");
        json.put("drainedJobs", 3);

        assertThat(schema.validate(json)).isEmpty();
    }

    @Test
    void an_event_of_a_type_added_later_still_needs_the_envelope() {
        var json = written(JobSamples.EVENTS.get(18));
        json.put("type", "QueueDrained");
        json.remove("eventId");

        assertThat(schema.validate(json)).isNotEmpty();
    }

    @Test
    void a_known_type_missing_its_own_fields_is_not_taken_for_a_type_added_later() {
        var json = written(JobSamples.EVENTS.get(0));
        json.remove("jobId");

        assertThat(schema.validate(json)).isNotEmpty();
    }

    private static ObjectNode written(JobEvent event) {
        var bytes = JobTopics.DEFAULT.events().valueSerde().serializer().serialize("job-events", event);
        return (ObjectNode) Json.MAPPER.readTree(bytes);
    }
}
