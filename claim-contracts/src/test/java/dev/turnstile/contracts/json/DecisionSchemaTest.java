package dev.turnstile.contracts.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.turnstile.contracts.claim.ClaimCommand;
import dev.turnstile.contracts.claim.ClaimCompleted;
import dev.turnstile.contracts.claim.ClaimDenied;
import dev.turnstile.contracts.claim.ClaimEvent;
import dev.turnstile.contracts.claim.ClaimGranted;
import dev.turnstile.contracts.claim.ClaimMode;
import dev.turnstile.contracts.claim.ClaimOutcome;
import dev.turnstile.contracts.claim.ClaimRequested;
import dev.turnstile.contracts.claim.DecisionHeader;
import dev.turnstile.contracts.claim.DecisionType;
import dev.turnstile.contracts.claim.HolderRequest;
import dev.turnstile.contracts.claim.LeaseExpired;
import dev.turnstile.contracts.claim.LeaseReleased;
import dev.turnstile.contracts.claim.LeaseRenewed;
import dev.turnstile.contracts.claim.RefusalReason;
import dev.turnstile.contracts.claim.RequestRefused;
import dev.turnstile.contracts.topic.ClaimTopics;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/** What the decisions topic carries matches the published JSON Schema, field for field. */
class DecisionSchemaTest {

    private static final Instant AT = Instant.parse("2026-11-23T10:30:00.123Z");
    private static final ClaimGranted GRANTED = new ClaimGranted(
            new DecisionHeader(
                    1,
                    "hire:convex-deploy:3f9c2ab#1",
                    1,
                    "req-0001",
                    "hire:convex-deploy:3f9c2ab",
                    "hire",
                    "convex-deploy",
                    "3f9c2ab",
                    "agent-1",
                    AT,
                    false),
            ClaimMode.ONCE,
            1,
            null,
            null,
            false);
    private static final ClaimDenied DENIED = new ClaimDenied(
            new DecisionHeader(
                    1,
                    "hire:convex-deploy:3f9c2ab#2",
                    2,
                    "req-0002",
                    "hire:convex-deploy:3f9c2ab",
                    "hire",
                    "convex-deploy",
                    "3f9c2ab",
                    "agent-2",
                    AT.plusSeconds(1),
                    false),
            "agent-1",
            AT,
            ClaimMode.ONCE,
            1,
            null,
            null);
    private static final ClaimGranted LEASE_GRANTED = new ClaimGranted(
            new DecisionHeader(
                    1,
                    "hire:convex-deploy:3f9c2ab#3",
                    3,
                    "req-0003",
                    "hire:convex-deploy:3f9c2ab",
                    "hire",
                    "convex-deploy",
                    "3f9c2ab",
                    "agent-1",
                    AT,
                    false),
            ClaimMode.LEASE,
            2,
            AT.plusSeconds(30),
            30,
            true);
    private static final ClaimDenied LEASE_DENIED = new ClaimDenied(
            new DecisionHeader(
                    1,
                    "hire:convex-deploy:3f9c2ab#4",
                    4,
                    "req-0004",
                    "hire:convex-deploy:3f9c2ab",
                    "hire",
                    "convex-deploy",
                    "3f9c2ab",
                    "agent-2",
                    AT,
                    false),
            "agent-1",
            AT,
            ClaimMode.LEASE,
            2,
            AT.plusSeconds(30),
            ClaimOutcome.FAILED);
    private static final LeaseRenewed RENEWED = new LeaseRenewed(
            new DecisionHeader(
                    1,
                    "hire:convex-deploy:3f9c2ab#5",
                    5,
                    "req-0005",
                    "hire:convex-deploy:3f9c2ab",
                    "hire",
                    "convex-deploy",
                    "3f9c2ab",
                    "agent-1",
                    AT.plusSeconds(10),
                    false),
            ClaimMode.LEASE,
            2,
            AT.plusSeconds(40),
            30);
    private static final LeaseReleased RELEASED = new LeaseReleased(
            new DecisionHeader(
                    1,
                    "hire:convex-deploy:3f9c2ab#6",
                    6,
                    "req-0006",
                    "hire:convex-deploy:3f9c2ab",
                    "hire",
                    "convex-deploy",
                    "3f9c2ab",
                    "agent-1",
                    AT.plusSeconds(20),
                    false),
            ClaimMode.LEASE,
            2);
    private static final LeaseExpired EXPIRED = new LeaseExpired(
            new DecisionHeader(
                    1,
                    "hire:convex-deploy:3f9c2ab#7",
                    7,
                    "expire-2-1",
                    "hire:convex-deploy:3f9c2ab",
                    "hire",
                    "convex-deploy",
                    "3f9c2ab",
                    "agent-1",
                    AT.plusSeconds(41),
                    false),
            ClaimMode.LEASE,
            2,
            AT.plusSeconds(40),
            AT);
    private static final ClaimCompleted COMPLETED = new ClaimCompleted(
            new DecisionHeader(
                    1,
                    "hire:convex-deploy:3f9c2ab#8",
                    8,
                    "req-0008",
                    "hire:convex-deploy:3f9c2ab",
                    "hire",
                    "convex-deploy",
                    "3f9c2ab",
                    "agent-3",
                    AT.plusSeconds(50),
                    false),
            ClaimMode.LEASE,
            3,
            ClaimOutcome.SUCCEEDED);
    private static final RequestRefused REFUSED = new RequestRefused(
            new DecisionHeader(
                    1,
                    "hire:convex-deploy:3f9c2ab#9",
                    9,
                    "req-0009",
                    "hire:convex-deploy:3f9c2ab",
                    "hire",
                    "convex-deploy",
                    "3f9c2ab",
                    "agent-1",
                    AT.plusSeconds(60),
                    false),
            HolderRequest.RENEW,
            RefusalReason.STALE_TOKEN,
            ClaimMode.LEASE,
            2,
            3L,
            "agent-3",
            null);
    private static final List<ClaimEvent> ALL =
            List.of(GRANTED, DENIED, LEASE_GRANTED, LEASE_DENIED, RENEWED, RELEASED, EXPIRED, COMPLETED, REFUSED);

    private final Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
            .getSchema(getClass().getResourceAsStream("/schemas/claim-decisions.v1.schema.json"));

    @Test
    void every_kind_of_decision_as_written_to_the_topic_conforms_to_the_schema() {
        for (var event : ALL) {
            assertThat(schema.validate(written(event)))
                    .as(event.getClass().getSimpleName())
                    .isEmpty();
        }
    }

    @Test
    void every_decision_carries_the_attempt_fields_and_the_lease_fields() {
        for (var event : ALL) {
            assertThat(written(event).propertyNames())
                    .as(event.getClass().getSimpleName())
                    .contains(
                            "type",
                            "schemaVersion",
                            "decisionId",
                            "sequence",
                            "requestId",
                            "taskKey",
                            "project",
                            "task",
                            "gitSha",
                            "agentId",
                            "attemptedAt",
                            "wasGranted",
                            "redelivery",
                            "mode",
                            "fencingToken");
        }
        assertThat(written(LEASE_GRANTED).get("mode").asString()).isEqualTo("lease");
        assertThat(written(LEASE_GRANTED).get("expiresAt").asString()).isEqualTo("2026-11-23T10:30:30.123Z");
        assertThat(written(REFUSED).get("reason").asString()).isEqualTo("stale_token");
        assertThat(written(COMPLETED).get("outcome").asString()).isEqualTo("succeeded");
    }

    @Test
    void a_once_grant_writes_no_lease_expiry() {
        assertThat(written(GRANTED).has("expiresAt")).isFalse();
        assertThat(written(GRANTED).get("fencingToken").asLong()).isEqualTo(1);
    }

    @Test
    void a_grant_written_before_leases_existed_reads_as_a_once_grant_with_token_1() {
        var legacy = """
                {"type":"ClaimGranted","schemaVersion":1,"decisionId":"hire:convex-deploy:3f9c2ab#1","sequence":1,
                 "requestId":"req-0001","taskKey":"hire:convex-deploy:3f9c2ab","project":"hire","task":"convex-deploy",
                 "gitSha":"3f9c2ab","agentId":"agent-1","attemptedAt":"2026-11-23T10:30:00.123Z","wasGranted":true,
                 "redelivery":false}""";

        var event = ClaimTopics.DEFAULT
                .decisions()
                .valueSerde()
                .deserializer()
                .deserialize("t", legacy.getBytes(java.nio.charset.StandardCharsets.UTF_8));

        assertThat(event).isEqualTo(GRANTED);
    }

    @Test
    void a_claim_request_written_before_leases_existed_reads_as_a_once_claim() {
        var legacy = """
                {"type":"ClaimRequested","schemaVersion":1,"requestId":"req-0001","taskKey":"hire:convex-deploy:3f9c2ab",
                 "project":"hire","task":"convex-deploy","gitSha":"3f9c2ab","agentId":"agent-1",
                 "requestedAt":"2026-11-23T10:30:00.123Z"}""";

        ClaimCommand command = ClaimTopics.DEFAULT
                .requests()
                .valueSerde()
                .deserializer()
                .deserialize("t", legacy.getBytes(java.nio.charset.StandardCharsets.UTF_8));

        assertThat(command).isInstanceOfSatisfying(ClaimRequested.class, request -> {
            assertThat(request.mode()).isEqualTo(ClaimMode.ONCE);
            assertThat(request.ttlSeconds()).isNull();
            assertThat(request.takeoverAfterFailure()).isFalse();
        });
    }

    @Test
    void a_decision_of_a_type_this_reader_does_not_know_fails_to_read_so_that_readers_can_skip_it() {
        var future = "{\"type\":\"QueueLaneOpened\",\"schemaVersion\":1}";

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ClaimTopics.DEFAULT
                        .decisions()
                        .valueSerde()
                        .deserializer()
                        .deserialize("t", future.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .isInstanceOf(org.apache.kafka.common.errors.SerializationException.class);
    }

    @Test
    void every_attempt_field_is_on_the_wire_with_its_type_name() {
        var json = written(DENIED);

        assertThat(json.propertyNames())
                .contains(
                        "type",
                        "schemaVersion",
                        "decisionId",
                        "sequence",
                        "requestId",
                        "taskKey",
                        "project",
                        "task",
                        "gitSha",
                        "agentId",
                        "attemptedAt",
                        "wasGranted",
                        "redelivery",
                        "heldBy",
                        "heldSince");
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
    void a_decision_of_a_type_added_later_validates_on_its_envelope_alone() {
        var json = written(DENIED);
        json.put("type", "ClaimQueued");
        json.remove("heldBy");
        json.put("position", 2);

        assertThat(schema.validate(json)).isEmpty();
    }

    @Test
    void a_decision_of_a_type_added_later_still_needs_the_envelope() {
        var json = written(GRANTED);
        json.put("type", "ClaimQueued");
        json.remove("decisionId");

        assertThat(schema.validate(json)).isNotEmpty();
    }

    @Test
    void the_schema_describes_every_decision_type_and_no_other() {
        var types = Json.MAPPER
                .readTree(getClass().getResourceAsStream("/schemas/claim-decisions.v1.schema.json"))
                .get("$defs")
                .get("knownType")
                .get("enum");

        assertThat(types.valueStream().map(node -> node.asString()).toList())
                .containsExactlyInAnyOrder(java.util.Arrays.stream(DecisionType.values())
                        .map(DecisionType::wireName)
                        .toArray(String[]::new));
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

        for (ClaimEvent event : ALL) {
            assertThat(serde.deserializer().deserialize("t", serde.serializer().serialize("t", event)))
                    .isEqualTo(event);
        }
    }

    private static ObjectNode written(ClaimEvent event) {
        var bytes = ClaimTopics.DEFAULT.decisions().valueSerde().serializer().serialize("claim-decisions", event);
        return (ObjectNode) Json.MAPPER.readTree(bytes);
    }
}
