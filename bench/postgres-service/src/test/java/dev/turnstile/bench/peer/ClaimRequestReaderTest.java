package dev.turnstile.bench.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.turnstile.contracts.claim.FieldViolation;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ClaimRequestReaderTest {

    private final ClaimRequestReader reader = new ClaimRequestReader();

    private ClaimRequestReader.Read read(String json) {
        return reader.read(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void a_valid_claim_is_read_with_its_sha_in_lower_case() {
        var read = read(
                "{\"project\":\"hire\",\"task\":\"convex-deploy\",\"gitSha\":\"3F9C2AB\",\"agentId\":\"agent-1\"}");

        assertThat(read.isValid()).isTrue();
        assertThat(read.claim().key().value()).isEqualTo("hire:convex-deploy:3f9c2ab");
        assertThat(read.claim().agentId()).isEqualTo("agent-1");
        assertThat(read.claim().requestId()).isNull();
    }

    @Test
    void an_explicit_once_mode_and_request_id_are_accepted() {
        var read = read("{\"project\":\"hire\",\"task\":\"deploy\",\"gitSha\":\"3f9c2ab\",\"agentId\":\"a\","
                + "\"requestId\":\"0b7e6c1a-retry\",\"mode\":\"once\",\"takeoverAfterFailure\":false}");

        assertThat(read.isValid()).isTrue();
        assertThat(read.claim().requestId()).isEqualTo("0b7e6c1a-retry");
    }

    @Test
    void each_broken_rule_is_named_by_field_with_the_shared_claim_rules() {
        var read = read("{\"project\":\"has space\",\"task\":\"deploy\",\"gitSha\":\"xyz\",\"agentId\":\"\"}");

        assertThat(read.isValid()).isFalse();
        assertThat(read.violations())
                .extracting(FieldViolation::field, FieldViolation::rule)
                .containsExactly(tuple("project", "pattern"), tuple("gitSha", "pattern"), tuple("agentId", "required"));
    }

    @Test
    void unknown_fields_and_wrong_types_are_refused_without_repeating_their_rules() {
        var read = read("{\"project\":1,\"task\":\"deploy\",\"gitSha\":\"3f9c2ab\",\"agentId\":\"a\",\"sha\":\"x\"}");

        assertThat(read.violations())
                .extracting(FieldViolation::field, FieldViolation::rule)
                .containsExactly(tuple("sha", "unknown"), tuple("project", "type"));
    }

    @Test
    void a_body_that_is_not_a_json_object_is_refused_as_a_whole() {
        assertThat(read("[1]").violations())
                .extracting(FieldViolation::field, FieldViolation::rule)
                .containsExactly(tuple("body", "type"));
        assertThat(read("{\"project\":").violations())
                .extracting(FieldViolation::rule)
                .containsExactly("json");
        assertThat(read("").violations()).extracting(FieldViolation::rule).containsExactly("required");
    }

    @Test
    void leases_and_takeovers_are_refused_by_name_since_this_peer_decides_once_claims_only() {
        var lease = read("{\"project\":\"hire\",\"task\":\"e2e\",\"gitSha\":\"3f9c2ab\",\"agentId\":\"a\","
                + "\"mode\":\"lease\",\"ttlSeconds\":30}");
        var takeover = read("{\"project\":\"hire\",\"task\":\"e2e\",\"gitSha\":\"3f9c2ab\",\"agentId\":\"a\","
                + "\"takeoverAfterFailure\":true}");

        assertThat(lease.violations())
                .extracting(FieldViolation::field, FieldViolation::rule)
                .containsExactly(tuple("mode", "unsupported"));
        assertThat(takeover.violations())
                .extracting(FieldViolation::field, FieldViolation::rule)
                .containsExactly(tuple("takeoverAfterFailure", "unsupported"));
    }
}
