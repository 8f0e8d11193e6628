package dev.turnstile.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

import dev.turnstile.contracts.claim.ClaimRules;
import dev.turnstile.contracts.claim.FieldViolation;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The rule cases the Node client is tested against ({@code claim-rules-cases.json}) still describe the rules of
 * {@link ClaimRules}: when this fails, the rules changed, and the Node copy in {@code node/src/rules.ts} must follow.
 */
class ClaimRulesCasesTest {

    @TestFactory
    Stream<DynamicTest> claim_requests_follow_the_shared_rule_cases() throws IOException {
        JsonNode cases;
        try (InputStream in = getClass().getResourceAsStream("/claim-rules-cases.json")) {
            cases = JsonMapper.builder().build().readTree(in).path("cases");
        }
        return cases.valueStream()
                .map(ruleCase -> DynamicTest.dynamicTest(
                        ruleCase.path("name").asString(), () -> assertFollowsTheCase(ruleCase)));
    }

    private static void assertFollowsTheCase(JsonNode ruleCase) {
        JsonNode input = ruleCase.path("input");
        String project = text(input, "project");
        String task = text(input, "task");
        String gitSha = text(input, "gitSha");
        String agentId = text(input, "agentId");
        String requestId = text(input, "requestId");
        var expected = new ArrayList<FieldViolation>();
        for (JsonNode violation : ruleCase.path("violations").values()) {
            expected.add(
                    new FieldViolation(text(violation, "field"), text(violation, "rule"), text(violation, "message")));
        }

        assertThat(ClaimRules.checkClaim(project, task, gitSha, agentId, requestId))
                .isEqualTo(expected);
        if (expected.isEmpty()) {
            assertThat(new ClaimRequest(project, task, gitSha, agentId, requestId).gitSha())
                    .isEqualTo(ClaimRules.normalizeGitSha(gitSha));
        } else {
            assertThatThrownBy(() -> new ClaimRequest(project, task, gitSha, agentId, requestId))
                    .asInstanceOf(type(ClaimRejectedException.class))
                    .extracting(ClaimRejectedException::violations)
                    .isEqualTo(List.copyOf(expected));
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isNull() || value.isMissingNode() ? null : value.asString();
    }
}
