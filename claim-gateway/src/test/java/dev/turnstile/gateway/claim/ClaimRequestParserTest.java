package dev.turnstile.gateway.claim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.turnstile.contracts.claim.ClaimMode;
import dev.turnstile.contracts.claim.ClaimPolicy;
import dev.turnstile.contracts.claim.FieldViolation;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ClaimRequestParserTest {

    private final ClaimRequestParser parser = new ClaimRequestParser();

    private ClaimRequestParser.Parsed parse(String json) {
        return parser.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void a_valid_claim_is_parsed_with_its_sha_in_lower_case() {
        var parsed =
                parse("{\"project\":\"hire\",\"task\":\"convex-deploy\",\"gitSha\":\"3F9C2AB\",\"agentId\":\"a1\"}");

        assertThat(parsed.isValid()).isTrue();
        assertThat(parsed.claim().key().gitSha()).isEqualTo("3f9c2ab");
        assertThat(parsed.claim().requestId()).isNull();
    }

    @Test
    void a_number_where_a_string_belongs_is_a_type_error_naming_the_field() {
        var parsed = parse("{\"project\":1,\"task\":\"t\",\"gitSha\":\"3f9c2ab\",\"agentId\":\"a1\"}");

        assertThat(parsed.violations()).singleElement().satisfies(violation -> {
            assertThat(violation.field()).isEqualTo("project");
            assertThat(violation.rule()).isEqualTo("type");
            assertThat(violation.message()).isEqualTo("project must be a string; got a number");
        });
    }

    @Test
    void a_duplicated_field_is_rejected_rather_than_silently_taking_one_value() {
        var parsed =
                parse("{\"project\":\"a\",\"project\":\"b\",\"task\":\"t\",\"gitSha\":\"3f9c2ab\",\"agentId\":\"a1\"}");

        assertThat(parsed.violations()).extracting(FieldViolation::rule).containsExactly("json");
    }

    @Test
    void malformed_json_says_what_was_wrong_and_where_without_the_parsers_internals() {
        assertThat(parse("{\"project\":").violations())
                .singleElement()
                .satisfies(violation -> assertThat(violation.message())
                        .isEqualTo("The request body is not valid JSON: unexpected end at line 1 column 12"));
        assertThat(parse("{project:1}").violations())
                .singleElement()
                .satisfies(violation -> assertThat(violation.message())
                        .startsWith("The request body is not valid JSON: unexpected character 'p' at line 1")
                        .doesNotContain("Source", "code", "StreamReadFeature"));
    }

    @Test
    void an_empty_body_says_what_to_send() {
        assertThat(parse("").violations())
                .singleElement()
                .satisfies(violation -> assertThat(violation.message()).contains("\"project\":\"hire\""));
    }

    @Test
    void unknown_fields_and_rule_violations_are_all_reported_together() {
        var parsed = parse("{\"project\":\"hire\",\"task\":\"t\",\"gitsha\":\"3f9c2ab\",\"agentId\":\" a1\"}");

        assertThat(parsed.violations())
                .extracting(FieldViolation::field, FieldViolation::rule)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("gitsha", "unknown"),
                        org.assertj.core.groups.Tuple.tuple("gitSha", "required"),
                        org.assertj.core.groups.Tuple.tuple("agentId", "pattern"));
    }

    @Test
    void a_claim_without_a_mode_is_a_once_claim() {
        var parsed = parse("{\"project\":\"hire\",\"task\":\"deploy\",\"gitSha\":\"3f9c2ab\",\"agentId\":\"a1\"}");

        assertThat(parsed.claim().policy()).isEqualTo(ClaimPolicy.ONCE);
    }

    @Test
    void a_lease_claim_carries_its_ttl_and_takeover_policy() {
        var parsed = parse("{\"project\":\"hire\",\"task\":\"deploy\",\"gitSha\":\"3f9c2ab\",\"agentId\":\"a1\","
                + "\"mode\":\"lease\",\"ttlSeconds\":30,\"takeoverAfterFailure\":true}");

        assertThat(parsed.claim().policy()).isEqualTo(ClaimPolicy.lease(30).withTakeoverAfterFailure(true));
    }

    @Test
    void a_ttl_without_a_mode_means_a_lease() {
        var parsed = parse("{\"project\":\"hire\",\"task\":\"deploy\",\"gitSha\":\"3f9c2ab\",\"agentId\":\"a1\","
                + "\"ttlSeconds\":5}");

        assertThat(parsed.claim().policy().mode()).isEqualTo(ClaimMode.LEASE);
    }

    @Test
    void lease_policy_violations_name_the_field_and_rule() {
        var base = "\"project\":\"hire\",\"task\":\"deploy\",\"gitSha\":\"3f9c2ab\",\"agentId\":\"a1\",";

        assertThat(parse("{" + base + "\"mode\":\"lease\"}").violations())
                .extracting(FieldViolation::field, FieldViolation::rule)
                .containsExactly(tuple("ttlSeconds", "required"));
        assertThat(parse("{" + base + "\"mode\":\"once\",\"ttlSeconds\":5}").violations())
                .extracting(FieldViolation::field, FieldViolation::rule)
                .containsExactly(tuple("ttlSeconds", "conflict"));
        assertThat(parse("{" + base + "\"ttlSeconds\":3601}").violations())
                .extracting(FieldViolation::field, FieldViolation::rule)
                .containsExactly(tuple("ttlSeconds", "range"));
        assertThat(parse("{" + base + "\"ttlSeconds\":0}").violations())
                .extracting(FieldViolation::field, FieldViolation::rule)
                .containsExactly(tuple("ttlSeconds", "range"));
        assertThat(parse("{" + base + "\"ttlSeconds\":1.5}").violations())
                .extracting(FieldViolation::field, FieldViolation::rule)
                .containsExactly(tuple("ttlSeconds", "type"));
        assertThat(parse("{" + base + "\"mode\":\"forever\"}").violations())
                .extracting(FieldViolation::field, FieldViolation::rule)
                .containsExactly(tuple("mode", "enum"));
        assertThat(parse("{" + base + "\"takeoverAfterFailure\":\"yes\"}").violations())
                .extracting(FieldViolation::field, FieldViolation::rule)
                .containsExactly(tuple("takeoverAfterFailure", "type"));
    }
}
