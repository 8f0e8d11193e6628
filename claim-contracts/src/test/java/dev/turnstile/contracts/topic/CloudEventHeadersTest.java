package dev.turnstile.contracts.topic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnstile.contracts.claim.ClaimEvent;
import dev.turnstile.contracts.claim.DecisionType;
import dev.turnstile.contracts.json.JsonSerde;
import io.cloudevents.SpecVersion;
import io.cloudevents.kafka.CloudEventDeserializer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The headers of {@code claim-decisions} as the CloudEvents SDK's own Kafka deserializer reads them, over every
 * decision written at release 0.1: a consumer using the SDK gets the attributes, and the value as the event's data.
 */
class CloudEventHeadersTest {

    private final JsonSerde<ClaimEvent> decisions = new JsonSerde<>(ClaimEvent.class);

    @Test
    void the_cloudevents_sdk_reads_every_decision_with_its_attributes_and_the_value_as_its_data() {
        try (var sdk = new CloudEventDeserializer()) {
            for (var line : lines("wire/claim-decisions.v1.jsonl")) {
                var value = line.getBytes(StandardCharsets.UTF_8);
                var decision = decisions.deserializer().deserialize("claim-decisions", value);

                var event = sdk.deserialize("claim-decisions", CloudEventHeaders.of(decision), value);

                assertThat(event.getSpecVersion()).isEqualTo(SpecVersion.V1);
                assertThat(event.getType())
                        .isEqualTo("dev.turnstile.claim."
                                + DecisionType.of(decision).wireName());
                assertThat(event.getId()).isEqualTo(decision.decisionId());
                assertThat(event.getSource()).isEqualTo(URI.create("/turnstile/claims"));
                assertThat(event.getTime())
                        .isEqualTo(OffsetDateTime.parse(decision.attemptedAt().toString()));
                assertThat(event.getSubject()).isEqualTo(decision.taskKey());
                assertThat(event.getDataContentType()).isEqualTo("application/json");
                assertThat(event.getDataSchema()).isEqualTo(URI.create(CloudEventHeaders.CLAIMS_DATA_SCHEMA));
                assertThat(event.getData().toBytes()).isEqualTo(value);
            }
        }
    }

    @Test
    void every_decision_type_has_its_own_ce_type_under_one_prefix() {
        assertThat(DecisionType.values())
                .extracting(CloudEventHeaders::ceType)
                .doesNotHaveDuplicates()
                .allSatisfy(type -> assertThat(type).startsWith(CloudEventHeaders.CLAIM_TYPE_PREFIX));
    }

    static List<String> lines(String resource) {
        try (var in = CloudEventHeadersTest.class.getClassLoader().getResourceAsStream(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
