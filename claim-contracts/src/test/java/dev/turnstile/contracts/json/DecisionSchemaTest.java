package dev.turnstile.contracts.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.turnstile.contracts.claim.ClaimDenied;
import dev.turnstile.contracts.claim.ClaimEvent;
import dev.turnstile.contracts.claim.ClaimGranted;
import dev.turnstile.contracts.topic.ClaimTopics;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/** What the decisions topic carries matches the published JSON Schema, field for field. */
class DecisionSchemaTest {

    private static final Instant AT = Instant.parse("2026-11-23T10:30:00.123Z");
    private static final ClaimGranted GRANTED = new ClaimGranted(
            1, "hire:convex-deploy:3f9c2ab#1", 1, "req-0001", "hire:convex-deploy:3f9c2ab", "hire", "convex-deploy",
            "3f9c2ab", "agent-1", AT, false);
    private static final ClaimDenied DENIED = new ClaimDenied(
            1, "hire:convex-deploy:3f9c2ab#2", 2, "req-0002", "hire:convex-deploy:3f9c2ab", "hire", "convex-deploy",
            "3f9c2ab", "agent-2", AT.plusSeconds(1), false, "agent-1", AT);

    private final Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
            .getSchema(getClass().getResourceAsStream("/schemas/claim-decisions.v1.schema.json"));

    @Test
    void granted_and_denied_decisions_as_written_to_the_topic_conform_to_the_schema() {
        assertThat(schema.validate(written(GRANTED))).isEmpty();
        assertThat(schema.validate(written(DENIED))).isEmpty();
    }

    @Test
    void every_attempt_field_is_on_the_wire_with_its_type_name() {
        var json = written(DENIED);

        assertThat(json.propertyNames())
                .contains("type", "schemaVersion", "decisionId", "sequence", "requestId", "taskKey", "project", "task",
                        "gitSha", "agentId", "attemptedAt", "wasGranted", "redelivery", "heldBy", "heldSince");
        assertThat(json.get("type").asString()).isEqualTo("ClaimDenied");
        assertThat(json.get("attemptedAt").asString()).isEqualTo("2026-11-23T10:30:01.123Z");
    }

    @Test
    void the_schema_rejects_a_decision_missing_an_attempt_field() {
        var json = written(GRANTED);
        json.remove("agentId");

        assertThat(schema.validate(json)).isNotEmpty();
    }

    @Test
    void the_schema_rejects_a_denial_without_its_holder() {
        var json = written(DENIED);
        json.remove("heldBy");

        assertThat(schema.validate(json)).isNotEmpty();
    }

    @Test
    void the_schema_rejects_a_grant_that_says_it_was_not_granted() {
        var json = written(GRANTED);
        json.put("wasGranted", false);

        assertThat(schema.validate(json)).isNotEmpty();
    }

    @Test
    void decisions_read_back_from_the_topic_serde_equal_what_was_written() {
        var serde = ClaimTopics.DEFAULT.decisions().valueSerde();

        for (ClaimEvent event : new ClaimEvent[] {GRANTED, DENIED}) {
            assertThat(serde.deserializer().deserialize("t", serde.serializer().serialize("t", event)))
                    .isEqualTo(event);
        }
    }

    private static ObjectNode written(ClaimEvent event) {
        var bytes = ClaimTopics.DEFAULT.decisions().valueSerde().serializer().serialize("claim-decisions", event);
        return (ObjectNode) Json.MAPPER.readTree(bytes);
    }
}
