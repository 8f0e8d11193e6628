package dev.turnstile.contracts.topic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnstile.contracts.claim.DecisionType;
import dev.turnstile.contracts.job.JobEventType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The AsyncAPI document of the public topics ({@code asyncapi/turnstile.asyncapi.yaml}) names every event type this
 * version writes, with the {@code ce_type} header the processor writes for it, and every reference in it resolves.
 */
class AsyncApiDocumentTest {

    private static final String DOCUMENT = "asyncapi/turnstile.asyncapi.yaml";

    private final JsonNode document = read(DOCUMENT);

    @Test
    void the_document_is_asyncapi_3_describing_both_public_topics() {
        assertThat(document.get("asyncapi").asString()).isEqualTo("3.0.0");
        assertThat(document.at("/channels/claimDecisions/address").asString()).isEqualTo(ClaimTopics.DEFAULT_DECISIONS);
        assertThat(document.at("/channels/jobEvents/address").asString()).isEqualTo(JobTopics.DEFAULT_EVENTS);
    }

    @Test
    void every_decision_type_has_a_message_on_claim_decisions_with_its_ce_type() {
        for (var type : DecisionType.values()) {
            assertMessage("claimDecisions", type.wireName(), CloudEventHeaders.ceType(type));
        }
        assertThat(names(document.at("/channels/claimDecisions/messages")))
                .containsExactlyInAnyOrder(Arrays.stream(DecisionType.values())
                        .map(DecisionType::wireName)
                        .toArray(String[]::new));
    }

    @Test
    void every_job_event_type_has_a_message_on_job_events_with_its_ce_type() {
        for (var type : JobEventType.values()) {
            assertMessage("jobEvents", type.wireName(), CloudEventHeaders.ceType(type));
        }
        assertThat(names(document.at("/channels/jobEvents/messages")))
                .containsExactlyInAnyOrder(Arrays.stream(JobEventType.values())
                        .map(JobEventType::wireName)
                        .toArray(String[]::new));
    }

    @Test
    void every_reference_resolves_inside_the_document_or_to_a_schema_beside_it() {
        var refs = new ArrayList<String>();
        collectRefs(document, refs);

        assertThat(refs).isNotEmpty().allSatisfy(ref -> {
            if (ref.startsWith("#")) {
                assertThat(document.at(ref.substring(1)).isMissingNode())
                        .as(ref)
                        .isFalse();
            } else {
                assertThat(read(ref.replaceFirst("^\\.\\./", "")).get("$id"))
                        .as(ref)
                        .isNotNull();
            }
        });
    }

    @Test
    void the_headers_name_every_header_the_processor_writes() {
        var documented = names(document.at("/components/schemas/CloudEventHeaders/properties"));
        var decision = CloudEventHeaders.of(sample());

        assertThat(documented).contains(ClaimTopics.ANSWERED_REQUEST_HEADER);
        for (var header : decision) {
            assertThat(documented).contains(header.key());
        }
    }

    private void assertMessage(String channel, String name, String ceType) {
        var ref = document.at("/channels/" + channel + "/messages/" + name + "/$ref")
                .asString();
        var message = document.at(ref.substring(1));
        assertThat(message.get("name").asString()).isEqualTo(name);
        assertThat(message.at("/headers/allOf/1/properties/ce_type/const").asString())
                .as(name)
                .isEqualTo(ceType);
        assertThat(message.at("/payload/allOf/1/properties/type/const").asString())
                .as(name)
                .isEqualTo(name);
        var operation = channel.equals("claimDecisions") ? "publishClaimDecisions" : "publishJobEvents";
        assertThat(document.at("/operations/" + operation + "/messages")
                        .valueStream()
                        .map(node -> node.get("$ref").asString()))
                .as(name)
                .contains("#/channels/" + channel + "/messages/" + name);
    }

    private static dev.turnstile.contracts.claim.ClaimEvent sample() {
        var line = CloudEventHeadersTest.lines("wire/claim-decisions.v1.jsonl").getFirst();
        return ClaimTopics.DEFAULT
                .decisions()
                .valueSerde()
                .deserializer()
                .deserialize("t", line.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static List<String> names(JsonNode object) {
        return object.propertyNames().stream().toList();
    }

    private static void collectRefs(JsonNode node, List<String> refs) {
        if (node.isObject()) {
            node.properties().forEach(entry -> {
                if (entry.getKey().equals("$ref")) {
                    refs.add(entry.getValue().asString());
                } else {
                    collectRefs(entry.getValue(), refs);
                }
            });
        } else if (node.isArray()) {
            node.forEach(item -> collectRefs(item, refs));
        }
    }

    private static JsonNode read(String resource) {
        try (InputStream in = AsyncApiDocumentTest.class.getClassLoader().getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            return new YAMLMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
