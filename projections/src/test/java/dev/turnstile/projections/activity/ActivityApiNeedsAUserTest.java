package dev.turnstile.projections.activity;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The query API is never open: with the projections module alone (no dashboard), it takes a user of the
 * application's user store; in an application without Spring Security, it refuses everyone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ActivityApiNeedsAUserTest {

    private static final List<String> QUERIES = List.of(
            "/api/stats",
            "/api/attempts",
            "/api/attempts/by-sha/3f9c2ab",
            "/api/leases",
            "/api/timeline",
            "/api/%73tats");

    /** Spellings that Spring Security's firewall rejects (400) before any rule, or that resolve to a query. */
    private static final List<String> ODD_SPELLINGS =
            List.of("/api/attempts;jsessionid=1", "/api/x/../leases", "//api/stats", "/api/./timeline");

    private final HttpClient http = HttpClient.newHttpClient();
    private ActivityProjection projection;
    private ConfigurableApplicationContext withSecurity;
    private ConfigurableApplicationContext withoutSecurity;

    /** A web application with this module's auto-configuration and nothing of the dashboard. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {}

    @BeforeAll
    void start(@TempDir Path dir) {
        projection = ActivityProjection.open(
                dir.resolve("store"),
                "claim-decisions",
                new SettableClock(Instant.parse("2026-11-23T12:00:00Z")),
                false);
        withSecurity = start(Map.of(
                "spring.security.user.name", "analyst",
                "spring.security.user.password", "secret"));
        withoutSecurity = start(Map.of(
                "spring.autoconfigure.exclude",
                String.join(
                        ",",
                        "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
                        "org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterAutoConfiguration",
                        "org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration",
                        "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration",
                        "org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration")));
    }

    private ConfigurableApplicationContext start(Map<String, Object> extra) {
        var properties = new java.util.HashMap<String, Object>(Map.of(
                "server.port", "0",
                "turnstile.projections.enabled", "false",
                "turnstile.processor.enabled", "false",
                "spring.main.banner-mode", "off"));
        properties.putAll(extra);
        return new SpringApplicationBuilder(App.class)
                .initializers(
                        context -> context.getBeanFactory().registerSingleton("activityQueries", projection.queries()))
                .properties(properties)
                .run();
    }

    @AfterAll
    void stop() {
        for (var app : List.of(withSecurity, withoutSecurity)) {
            if (app != null) {
                app.close();
            }
        }
        projection.close();
    }

    @Test
    void without_the_dashboard_every_query_asks_for_a_user_and_answers_one() throws Exception {
        for (var query : QUERIES) {
            var anonymous = get(withSecurity, query, null);
            var wrongPassword = get(withSecurity, query, "analyst:guess");

            assertThat(anonymous.statusCode())
                    .as("%s without credentials: %s", query, anonymous.body())
                    .isEqualTo(401);
            assertThat(anonymous.headers().firstValue("WWW-Authenticate"))
                    .hasValueSatisfying(challenge -> assertThat(challenge).startsWith("Basic"));
            assertThat(anonymous.body()).contains("\"error\":\"unauthorized\"").contains("signed-in user");
            assertThat(wrongPassword.statusCode())
                    .as("%s with a wrong password", query)
                    .isEqualTo(401);
            assertThat(wrongPassword.body()).contains("Wrong user name or password");
        }
        for (var query : ODD_SPELLINGS) {
            var anonymous = get(withSecurity, query, null);
            assertThat(anonymous.statusCode())
                    .as("%s without credentials: %s", query, anonymous.body())
                    .isIn(400, 401, 404);
        }
        assertThat(get(withSecurity, "/api/stats", "analyst:secret").statusCode())
                .isEqualTo(200);
    }

    @Test
    void without_spring_security_the_query_api_refuses_everyone() throws Exception {
        assertThat(withoutSecurity.containsBean("springSecurityFilterChain")).isFalse();
        for (var query : java.util.stream.Stream.concat(QUERIES.stream(), ODD_SPELLINGS.stream())
                .toList()) {
            var answer = get(withoutSecurity, query, "analyst:secret");

            assertThat(answer.statusCode()).as("%s: %s", query, answer.body()).isIn(401, 400, 404);
        }
        assertThat(get(withoutSecurity, "/api/stats", "analyst:secret").body()).contains("signed-in user");
    }

    private HttpResponse<String> get(ConfigurableApplicationContext app, String path, String credentials)
            throws Exception {
        var request = HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port") + path));
        if (credentials != null) {
            request.header(
                    "Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
