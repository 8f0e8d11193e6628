package dev.turnstile.contracts.claim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClaimRulesTest {

    @ParameterizedTest
    @ValueSource(strings = {"hire", "@scope/app", "e2e-ci--src/a.cy.ts", "web_app.v2", "_internal"})
    void nx_style_names_are_accepted(String name) {
        assertThat(ClaimRules.checkName("project", name)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"has space", "a:b", "-leading", "tab\there", "ünïcode"})
    void names_with_spaces_colons_or_odd_characters_are_rejected_naming_the_field(String name) {
        assertThat(ClaimRules.checkName("task", name)).singleElement().satisfies(violation -> {
            assertThat(violation.field()).isEqualTo("task");
            assertThat(violation.rule()).isEqualTo("pattern");
        });
    }

    @Test
    void a_name_over_the_limit_is_rejected_with_its_length() {
        assertThat(ClaimRules.checkName("project", "p".repeat(101)))
                .singleElement()
                .satisfies(violation ->
                        assertThat(violation.message()).contains("at most 100").contains("101"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc123", "xyz1234", "3f9c2ab!", ""})
    void git_shas_must_be_7_to_64_hex_characters(String sha) {
        assertThat(ClaimRules.checkGitSha(sha))
                .singleElement()
                .extracting(FieldViolation::field)
                .isEqualTo("gitSha");
    }

    @Test
    void control_characters_in_an_agent_id_are_rejected_and_shown_escaped() {
        assertThat(ClaimRules.checkAgentId("agent\u0000-1"))
                .singleElement()
                .satisfies(violation -> assertThat(violation.message()).contains("\\u0000"));
    }

    @Test
    void every_missing_field_is_reported_at_once() {
        assertThat(ClaimRules.checkClaim(null, null, null, null, null))
                .extracting(FieldViolation::field)
                .containsExactly("project", "task", "gitSha", "agentId");
    }

    @Test
    void task_keys_lower_case_the_sha_and_round_trip_through_their_text() {
        var key = new TaskKey("hire", "convex-deploy", "3F9C2AB");

        assertThat(key.value()).isEqualTo("hire:convex-deploy:3f9c2ab");
        assertThat(TaskKey.parse(key.value())).isEqualTo(key);
    }

    @Test
    void an_invalid_task_key_says_what_the_format_is() {
        assertThatThrownBy(() -> TaskKey.parse("hire:deploy"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("project:task:gitSha");
    }
}
