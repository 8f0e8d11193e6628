package dev.turnstile.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What {@link GitSha} and {@link AgentId} find in a CI job's environment, case by case from
 * {@code ci-environment-cases.json}, the file the Node client is tested against too.
 */
class CiEnvironmentCasesTest {

    @TestFactory
    Stream<DynamicTest> the_commit_and_the_agent_follow_the_shared_ci_cases() throws IOException {
        JsonNode cases;
        try (InputStream in = getClass().getResourceAsStream("/ci-environment-cases.json")) {
            cases = JsonMapper.builder().build().readTree(in).path("cases");
        }
        return cases.valueStream()
                .map(ciCase ->
                        DynamicTest.dynamicTest(ciCase.path("name").asString(), () -> assertFollowsTheCase(ciCase)));
    }

    private static void assertFollowsTheCase(JsonNode ciCase) {
        Map<String, String> env = new HashMap<>();
        ciCase.path("env")
                .properties()
                .forEach(entry -> env.put(entry.getKey(), entry.getValue().asString()));
        JsonNode git = ciCase.path("git");
        GitSha.Git answer = () -> git.has("sha")
                ? new GitSha.Lookup.Found(git.path("sha").asString().toLowerCase(), GitSha.GIT_SOURCE)
                : new GitSha.Lookup.NotFound(List.of(git.path("failure").asString()));

        GitSha.Lookup lookup = GitSha.detect(env::get, answer);

        if (ciCase.has("notFound")) {
            assertThat(lookup)
                    .isInstanceOfSatisfying(
                            GitSha.Lookup.NotFound.class,
                            none -> assertThat(none.message())
                                    .isEqualTo(ciCase.path("notFound").asString()));
        } else {
            assertThat(lookup)
                    .isEqualTo(new GitSha.Lookup.Found(
                            ciCase.path("sha").path("value").asString(),
                            ciCase.path("sha").path("source").asString()));
        }
        assertThat(AgentId.fromEnvironment(env::get, ciCase.path("pid").asLong()))
                .isEqualTo(ciCase.path("agentId").asString());
    }
}
