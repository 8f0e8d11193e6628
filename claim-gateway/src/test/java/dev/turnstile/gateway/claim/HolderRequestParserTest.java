package dev.turnstile.gateway.claim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.turnstile.contracts.claim.ClaimOutcome;
import dev.turnstile.contracts.claim.FieldViolation;
import dev.turnstile.contracts.claim.HolderRequest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HolderRequestParserTest {

    private static final String KEY =
            "\"project\":\"hire\",\"task\":\"deploy\",\"gitSha\":\"3F9C2AB\",\"agentId\":\"a1\"";

    private static HolderRequestParser.Parsed parse(HolderRequest request, String json) {
        return new HolderRequestParser(request).parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void a_renewal_names_the_key_the_holder_and_its_token() {
        var parsed = parse(HolderRequest.RENEW, "{" + KEY + ",\"fencingToken\":3,\"ttlSeconds\":60}");

        assertThat(parsed.isValid()).isTrue();
        assertThat(parsed.request().key().value()).isEqualTo("hire:deploy:3f9c2ab");
        assertThat(parsed.request().fencingToken()).isEqualTo(3);
        assertThat(parsed.request().ttlSeconds()).isEqualTo(60);
    }

    @Test
    void a_completion_carries_its_outcome() {
        var parsed = parse(HolderRequest.COMPLETE, "{" + KEY + ",\"fencingToken\":1,\"outcome\":\"failed\"}");

        assertThat(parsed.request().outcome()).isEqualTo(ClaimOutcome.FAILED);
    }

    @Test
    void the_fencing_token_is_required_and_must_be_a_positive_whole_number() {
        assertThat(parse(HolderRequest.RELEASE, "{" + KEY + "}").violations())
                .extracting(FieldViolation::field, FieldViolation::rule)
                .containsExactly(tuple("fencingToken", "required"));
        assertThat(parse(HolderRequest.RELEASE, "{" + KEY + ",\"fencingToken\":\"3\"}")
                        .violations())
                .extracting(FieldViolation::field, FieldViolation::rule)
                .containsExactly(tuple("fencingToken", "type"));
        assertThat(parse(HolderRequest.RELEASE, "{" + KEY + ",\"fencingToken\":0}")
                        .violations())
                .extracting(FieldViolation::field, FieldViolation::rule)
                .containsExactly(tuple("fencingToken", "range"));
    }

    @Test
    void a_completion_needs_a_known_outcome() {
        assertThat(parse(HolderRequest.COMPLETE, "{" + KEY + ",\"fencingToken\":1}")
                        .violations())
                .extracting(FieldViolation::field, FieldViolation::rule)
                .containsExactly(tuple("outcome", "required"));
        assertThat(parse(HolderRequest.COMPLETE, "{" + KEY + ",\"fencingToken\":1,\"outcome\":\"ok\"}")
                        .violations())
                .extracting(FieldViolation::field, FieldViolation::rule)
                .containsExactly(tuple("outcome", "enum"));
    }

    @Test
    void fields_of_other_requests_are_unknown_here() {
        assertThat(parse(HolderRequest.RELEASE, "{" + KEY + ",\"fencingToken\":1,\"ttlSeconds\":5}")
                        .violations())
                .extracting(FieldViolation::field, FieldViolation::rule)
                .containsExactly(tuple("ttlSeconds", "unknown"));
        assertThat(parse(HolderRequest.RENEW, "{" + KEY + ",\"fencingToken\":1,\"ttlSeconds\":99999}")
                        .violations())
                .extracting(FieldViolation::field, FieldViolation::rule)
                .containsExactly(tuple("ttlSeconds", "range"));
    }
}
