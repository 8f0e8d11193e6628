package dev.turnstile.projections.activity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnstile.contracts.claim.ClaimEvent;
import dev.turnstile.contracts.json.Json;
import dev.turnstile.projections.query.ActivityQueries;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.core.type.TypeReference;

/** The JSON HTTP API over a real read model, through a real web server, as another tool would call it. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ActivityHttpApiTest {

    private static final Instant NOW = Instant.parse("2026-11-23T12:00:30Z");

    private final HttpClient http = HttpClient.newHttpClient();
    private final Decisions decisions = new Decisions();
    private final List<ClaimEvent> events = new ArrayList<>();
    private ActivityProjection projection;
    private ConfigurableApplicationContext app;
    private String base;

    /** A web application with this module's auto-configuration and a read model fed directly. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {}

    @BeforeAll
    void start(@TempDir Path dir) {
        var clock = new SettableClock(NOW);
        projection = ActivityProjection.open(dir.resolve("store"), "claim-decisions", clock, false);
        for (int i = 0; i < 12; i++) {
            events.add(decisions.attempt(
                    i % 2 == 0 ? "hire" : "web",
                    i % 3 == 0 ? "deploy" : "build",
                    i < 6 ? "3f9c2ab" : "3f9c000",
                    "agent-" + i,
                    NOW.minus(Duration.ofMinutes(30L * i))));
        }
        projection.apply(decisions.records(events));
        app = new SpringApplicationBuilder(App.class)
                .initializers(context -> {
                    context.getBeanFactory().registerSingleton("activityQueries", projection.queries());
                    context.getBeanFactory().registerSingleton("clock", clock);
                })
                .properties(Map.of(
                        "server.port", "0",
                        "turnstile.projections.enabled", "false",
                        "turnstile.processor.enabled", "false",
                        "spring.main.banner-mode", "off",
                        "spring.security.user.name", "analyst",
                        "spring.security.user.password", "secret"))
                .run();
        base = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");
    }

    @AfterAll
    void stop() {
        if (app != null) {
            app.close();
        }
        projection.close();
    }

    @Test
    void stats_gives_totals_last_24_hours_rate_and_breakdowns() throws Exception {
        var response = get("/api/stats");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json())
                .containsEntry("totalAttempts", 12)
                .containsEntry("attemptsLast24h", 12)
                .containsEntry("activeProjects", 2)
                .containsEntry("asOf", NOW.toString())
                .containsEntry("ready", false)
                .containsKeys("duplicatesBlocked", "duplicatesBlockedLast24h", "blockRatePercent");
        assertThat(list(response.json().get("byProject")))
                .containsExactly(
                        Map.of("project", "hire", "total", 6, "blocked", 2),
                        Map.of("project", "web", "total", 6, "blocked", 2));
        assertThat(list(response.json().get("byTask")).getFirst()).containsEntry("task", "build");
    }

    @Test
    void attempts_are_newest_first_filtered_and_paged_by_cursor() throws Exception {
        var first = get("/api/attempts?project=hire&limit=4");
        var attempts = list(first.json().get("attempts"));
        assertThat(first.status()).isEqualTo(200);
        assertThat(attempts)
                .hasSize(4)
                .allSatisfy(attempt -> assertThat(attempt).containsEntry("project", "hire"));
        assertThat(attempts.getFirst()).containsEntry("attemptedAt", NOW.toString());

        var second = get("/api/attempts?project=hire&limit=4&cursor="
                + URLEncoder.encode((String) first.json().get("nextCursor"), StandardCharsets.UTF_8));
        assertThat(list(second.json().get("attempts"))).hasSize(2);
        assertThat(second.json().get("nextCursor")).isNull();

        var blocked = list(get("/api/attempts?result=blocked").json().get("attempts"));
        assertThat(blocked)
                .hasSize(4)
                .allSatisfy(attempt -> assertThat(attempt)
                        .containsEntry("result", "blocked")
                        .containsEntry("wasGranted", false)
                        .containsEntry("kind", "ClaimDenied")
                        .containsKeys("decisionId", "taskKey", "task", "gitSha", "agentId", "requestId", "attemptedAt")
                        .hasEntrySatisfying(
                                "claimedBy", holder -> assertThat(holder).isNotNull())
                        .hasEntrySatisfying(
                                "claimedAt", since -> assertThat(since).isNotNull()));
    }

    @Test
    void attempts_default_to_50_and_lower_a_limit_above_100() throws Exception {
        assertThat(list(get("/api/attempts").json().get("attempts"))).hasSize(12);
        assertThat(get("/api/attempts?limit=500").status()).isEqualTo(200);
        assertThat(list(get("/api/attempts?sha=3F9C0&task=deploy").json().get("attempts")))
                .extracting(attempt -> attempt.get("gitSha"))
                .containsOnly("3f9c000")
                .hasSize(2);
    }

    @Test
    void by_sha_lists_every_attempt_for_a_sha_or_a_unique_prefix() throws Exception {
        var response = get("/api/attempts/by-sha/3F9C2");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json()).containsEntry("gitSha", "3f9c2ab");
        assertThat(list(response.json().get("attempts"))).hasSize(6);
        assertThat(list(get("/api/attempts/by-sha/0000000").json().get("attempts")))
                .isEmpty();
    }

    @Test
    void timeline_defaults_to_the_last_24_hours_in_hours() throws Exception {
        var response = get("/api/timeline");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json()).containsEntry("bucket", "PT1H").containsEntry("to", NOW.toString());
        var buckets = list(response.json().get("buckets"));
        assertThat(buckets).hasSize(25);
        assertThat(buckets.stream()
                        .mapToInt(bucket -> (Integer) bucket.get("attempts"))
                        .sum())
                .isEqualTo(12);

        var custom = get("/api/timeline?from=2026-11-23T06:00:00Z&to=2026-11-23T12:00:00Z&bucket=PT2H");
        assertThat(list(custom.json().get("buckets")))
                .extracting(bucket -> bucket.get("start"))
                .containsExactly("2026-11-23T06:00:00Z", "2026-11-23T08:00:00Z", "2026-11-23T10:00:00Z");
    }

    @ParameterizedTest(name = "{0} -> 400 on {1}")
    @CsvSource({
        "/api/attempts?result=maybe, result, granted",
        "/api/attempts?limit=abc, limit, from 1 to 100",
        "/api/attempts?limit=0, limit, from 1 to 100",
        "/api/attempts?sha=xyz, sha, hexadecimal",
        "/api/attempts?project=bad%20name, project, no spaces",
        "/api/attempts?cursor=not-a-cursor, cursor, cursor",
        "/api/attempts/by-sha/zz, gitSha, hexadecimal",
        "/api/attempts/by-sha/3f9c2abz, gitSha, hexadecimal",
        "/api/timeline?from=yesterday, from, ISO-8601 instant",
        "/api/timeline?bucket=PT30S, bucket, whole number of minutes",
        "/api/timeline?bucket=1h, bucket, ISO-8601 duration",
        "/api/timeline?from=2026-11-23T12:00:00Z&to=2026-11-23T11:00:00Z, from, from must be before to",
        "/api/timeline?from=2000-01-01T00:00:00Z&bucket=PT1M, bucket, at most 10000",
    })
    void bad_parameters_get_400_naming_the_parameter_and_the_rule(String path, String field, String rule)
            throws Exception {
        var response = get(path);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json()).containsEntry("error", "invalid_request");
        assertThat((String) response.json().get("message")).contains(rule);
        assertThat(list(response.json().get("violations")))
                .extracting(v -> v.get("field"))
                .containsExactly(field);
    }

    @Test
    void an_ambiguous_sha_prefix_is_a_400_listing_the_candidates() throws Exception {
        var response = get("/api/attempts/by-sha/3f9c");

        assertThat(response.status()).isEqualTo(400);
        assertThat((String) response.json().get("message")).contains("3f9c2ab", "3f9c000");
    }

    @Test
    void the_controller_serves_the_query_bean_of_the_context() {
        assertThat(app.getBean(ActivityQueries.class)).isSameAs(projection.queries());
    }

    private record Response(int status, Map<String, Object> json) {}

    private Response get(String path) throws Exception {
        var response = http.send(
                HttpRequest.newBuilder(URI.create(base + path))
                        .header(
                                "Authorization",
                                "Basic "
                                        + java.util.Base64.getEncoder()
                                                .encodeToString("analyst:secret".getBytes(StandardCharsets.UTF_8)))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return new Response(
                response.statusCode(),
                Json.MAPPER.readValue(response.body(), new TypeReference<Map<String, Object>>() {}));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Object value) {
        return (List<Map<String, Object>>) value;
    }
}
