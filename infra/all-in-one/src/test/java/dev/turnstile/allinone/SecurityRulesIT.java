package dev.turnstile.allinone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnstile.dashboard.login.LocalDashboardLogin;
import dev.turnstile.gateway.security.AgentTokens;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import picocli.CommandLine;

/**
 * The security rules of the all-in-one as it ships (gateway, projections and dashboard, Spring Security's chains
 * and firewall), over raw HTTP from several loopback addresses, with agent tokens on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecurityRulesIT {

    private static final String TOKEN = "ci-" + UUID.randomUUID();
    private static final Pattern CSRF = Pattern.compile("<meta name=\"_csrf\" content=\"([^\"]+)\"");
    private static final Pattern SESSION = Pattern.compile("JSESSIONID=([^;]+)");

    private Path dataDir;
    private TurnstileLauncher launcher;
    private int port;
    private LocalDashboardLogin login;

    @BeforeAll
    void start() throws IOException {
        dataDir = Files.createTempDirectory("turnstile-security-");
        launcher = new TurnstileLauncher();
        int exit = new CommandLine(launcher)
                .execute(
                        "--http-port=0",
                        "--kafka-port=0",
                        "--controller-port=0",
                        "--data-dir=" + dataDir,
                        "--turnstile.security.agent-tokens=" + AgentTokens.digestOf(TOKEN),
                        // As behind a proxy that terminates TLS: X-Forwarded-Proto from loopback is believed.
                        "--server.forward-headers-strategy=native");
        assertThat(exit).isZero();
        port = launcher.httpPort();
        login = LocalDashboardLogin.loadOrCreate(dataDir);
    }

    @AfterAll
    void stop() throws IOException {
        if (launcher != null) {
            launcher.shutdown();
        }
        try (var paths = Files.walk(dataDir)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        }
    }

    @Test
    void no_spelling_of_a_claim_or_lease_path_is_answered_without_a_token() throws Exception {
        long written = requestsWritten();
        var problems = new ArrayList<String>();
        for (var target : List.of(
                "/api/%63laim",
                "/api/clai%6D",
                "/%61pi/claim",
                "//api/claim",
                "/api/./claim",
                "/api/x/../claim",
                "/x/%2e%2e/api/claim",
                "/api/claim/",
                "/api/claim;jsessionid=1",
                "/api;x=1/claim",
                "/api%2Fclaim",
                "/API/claim",
                "/api/%6Cease/release",
                "/api/lease/%72enew",
                "/api/%63laim/complete",
                "/api/claim;a=1/complete",
                "http://127.0.0.1/api/%63laim")) {
            var answer = RawHttp.send(
                    port,
                    "POST",
                    target,
                    "{\"project\":\"spelling\",\"task\":\"deploy\","
                            + "\"gitSha\":\"3f9c2ab\",\"agentId\":\"a1\",\"fencingToken\":1,\"outcome\":\"succeeded\"}",
                    "Content-Type: application/json");
            if (!List.of(400, 401, 403, 404, 405).contains(answer.status())
                    || answer.body().contains("invalid_request")
                    || answer.body().contains("\"proceed\"")
                    || answer.body().contains("decision_timeout")) {
                problems.add("POST " + target + ": " + answer.status() + " " + answer.body());
            }
        }
        for (var target : List.of("/api/%63laim/outcome", "/api/claim/%6Futcome", "/api/claim/outcome;x=1")) {
            for (var method : List.of("GET", "HEAD")) {
                var answer = RawHttp.send(port, method, target + "?taskKey=spelling:deploy:3f9c2ab", null);
                if (!List.of(400, 401, 403, 404, 405).contains(answer.status())) {
                    problems.add(method + " " + target + ": " + answer.status() + " " + answer.body());
                }
            }
        }

        assertThat(problems).isEmpty();
        assertThat(requestsWritten()).isEqualTo(written);
        var withToken = RawHttp.send(
                port,
                "POST",
                "/api/%63laim",
                claim("spelling-" + UUID.randomUUID()),
                "Content-Type: application/json",
                "Authorization: Bearer " + TOKEN);
        assertThat(withToken.status()).as(withToken.body()).isEqualTo(200);
    }

    @Test
    void wrong_basic_passwords_past_an_addresss_allowance_get_429_without_a_password_check() throws Exception {
        var attacker = InetAddress.getByName("127.0.0.2");
        for (int i = 0; i < 10; i++) {
            assertThat(basic(attacker, "/api/stats", "mallory:guess-" + i).status())
                    .isEqualTo(401);
        }
        double checked = passwordChecks();

        var throttled = basic(attacker, "/api/stats", "mallory:guess-11");
        var rightPassword = basic(attacker, "/actuator/metrics", login.user() + ":" + login.password());

        assertThat(throttled.status()).isEqualTo(429);
        assertThat(Long.parseLong(throttled.header("Retry-After"))).isBetween(1L, 30L);
        assertThat(throttled.body())
                .contains("\"error\":\"too_many_sign_in_attempts\"")
                .contains("Too many wrong passwords from this address: try again in");
        assertThat(rightPassword.status())
                .as("the address is throttled, whatever the password")
                .isEqualTo(429);
        assertThat(passwordChecks()).as("passwords checked while throttled").isEqualTo(checked);
        assertThat(counter("turnstile.signin.throttled")).isPositive();

        var otherAddress =
                basic(InetAddress.getByName("127.0.0.3"), "/api/stats", login.user() + ":" + login.password());
        assertThat(otherAddress.status())
                .as("a correct password from another address")
                .isEqualTo(200);
    }

    @Test
    void wrong_form_sign_ins_past_an_addresss_allowance_are_sent_back_with_how_long_to_wait() throws Exception {
        var attacker = InetAddress.getByName("127.0.0.4");
        for (int i = 0; i < 10; i++) {
            var refused = formSignIn(attacker, "mallory-form", "guess-" + i);
            assertThat(refused.header("Location")).endsWith("/login?error");
        }

        var throttled = formSignIn(attacker, login.user(), login.password());

        assertThat(throttled.status()).isEqualTo(302);
        assertThat(throttled.header("Location")).matches(".*/login\\?throttled=\\d+");
        assertThat(formSignIn(InetAddress.getByName("127.0.0.5"), login.user(), login.password())
                        .header("Location"))
                .as("a correct password from another address")
                .doesNotContain("/login");
    }

    @Test
    void claims_are_answered_while_wrong_passwords_pour_in_from_many_addresses() throws Exception {
        var stop = new AtomicBoolean();
        var attackers = Executors.newFixedThreadPool(8);
        try {
            for (int i = 0; i < 8; i++) {
                var from = InetAddress.getByName("127.0.1." + (i + 1));
                attackers.submit(() -> {
                    int n = 0;
                    while (!stop.get()) {
                        basic(from, "/api/stats", "mallory-" + (n % 50) + ":guess-" + n++);
                    }
                    return null;
                });
            }
            for (int i = 0; i < 20; i++) {
                var answer = RawHttp.send(
                        port,
                        "POST",
                        "/api/claim",
                        claim("attack-" + UUID.randomUUID()),
                        "Content-Type: application/json",
                        "Authorization: Bearer " + TOKEN);
                assertThat(answer.status()).as(answer.body()).isEqualTo(200);
                assertThat(answer.body()).contains("\"proceed\":true");
            }
        } finally {
            stop.set(true);
            attackers.shutdown();
        }
        assertThat(counter("turnstile.signin.throttled")).isPositive();
    }

    @Test
    void the_sign_in_form_needs_its_csrf_token() throws Exception {
        var from = InetAddress.getByName("127.0.0.6");
        var page = RawHttp.send(from, port, "GET", "/login", null);
        var session = session(page);
        var form =
                "username=" + login.user() + "&password=" + URLEncoder.encode(login.password(), StandardCharsets.UTF_8);

        var withoutToken = RawHttp.send(
                from,
                port,
                "POST",
                "/login",
                form,
                "Content-Type: application/x-www-form-urlencoded",
                "Cookie: JSESSIONID=" + session);
        var withoutSession =
                RawHttp.send(from, port, "POST", "/login", form, "Content-Type: application/x-www-form-urlencoded");

        assertThat(withoutToken.status()).isEqualTo(403);
        assertThat(withoutSession.status()).isEqualTo(403);
        assertThat(formSignIn(from, login.user(), login.password()).header("Location"))
                .doesNotContain("/login");
    }

    @Test
    void the_session_cookie_is_same_site_lax_http_only_and_secure_over_https() throws Exception {
        var plain = RawHttp.send(port, "GET", "/login", null).header("Set-Cookie");
        var overHttps = RawHttp.send(port, "GET", "/login", null, "X-Forwarded-Proto: https")
                .header("Set-Cookie");

        assertThat(plain)
                .contains("JSESSIONID=")
                .contains("HttpOnly")
                .containsIgnoringCase("SameSite=Lax")
                .doesNotContain("Secure");
        assertThat(overHttps)
                .contains("JSESSIONID=")
                .contains("HttpOnly")
                .containsIgnoringCase("SameSite=Lax")
                .contains("Secure");
    }

    @Test
    void health_shows_its_details_only_to_a_signed_in_user() throws Exception {
        var anonymous = RawHttp.send(port, "GET", "/actuator/health", null);
        var component = RawHttp.send(port, "GET", "/actuator/health/diskSpace", null);
        var operator =
                basic(InetAddress.getByName("127.0.0.7"), "/actuator/health", login.user() + ":" + login.password());

        assertThat(anonymous.status()).isEqualTo(200);
        assertThat(anonymous.body())
                .contains("\"status\":\"UP\"")
                .doesNotContain("components")
                .doesNotContain("path")
                .doesNotContain("RUNNING");
        assertThat(component.body()).doesNotContain("path").doesNotContain("free");
        assertThat(operator.body()).contains("diskSpace").contains("claimProcessor");
    }

    @Test
    void a_direct_request_for_the_error_page_is_not_found() throws Exception {
        for (var method : List.of("GET", "POST")) {
            var answer = RawHttp.send(
                    port, method, "/error", method.equals("POST") ? "{}" : null, "Content-Type: application/json");

            assertThat(answer.status()).as(method + ": " + answer.body()).isEqualTo(404);
        }
    }

    private RawHttp.Response basic(InetAddress from, String path, String credentials) throws IOException {
        return RawHttp.send(
                from,
                port,
                "GET",
                path,
                null,
                "Authorization: Basic "
                        + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
    }

    /** A sign-in as the browser makes it: the page (its session and CSRF token), then the form post. */
    private RawHttp.Response formSignIn(InetAddress from, String user, String password) throws IOException {
        var page = RawHttp.send(from, port, "GET", "/login", null);
        var token = CSRF.matcher(page.body());
        assertThat(token.find()).as("the sign-in page carries a CSRF token").isTrue();
        var form = "username=" + URLEncoder.encode(user, StandardCharsets.UTF_8)
                + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8)
                + "&_csrf=" + URLEncoder.encode(token.group(1), StandardCharsets.UTF_8);
        var answer = RawHttp.send(
                from,
                port,
                "POST",
                "/login",
                form,
                "Content-Type: application/x-www-form-urlencoded",
                "Cookie: JSESSIONID=" + session(page));
        assertThat(answer.status()).as(answer.body()).isEqualTo(302);
        return answer;
    }

    private static String session(RawHttp.Response page) {
        var cookie = SESSION.matcher(String.valueOf(page.header("Set-Cookie")));
        assertThat(cookie.find()).as("a session cookie").isTrue();
        return cookie.group(1);
    }

    private static String claim(String project) {
        return "{\"project\":\"" + project + "\",\"task\":\"deploy\",\"gitSha\":\"3f9c2ab\",\"agentId\":\"a1\"}";
    }

    private double passwordChecks() {
        return counter("turnstile.signin.password.checks");
    }

    private double counter(String name) {
        return launcher.bean(MeterRegistry.class).find(name).counters().stream()
                .mapToDouble(c -> c.count())
                .sum();
    }

    private long requestsWritten() throws Exception {
        var bootstrap = launcher.bean(org.springframework.core.env.Environment.class)
                .getProperty("spring.kafka.bootstrap-servers");
        try (var admin = Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            var partitions = admin
                    .describeTopics(List.of("claim-requests"))
                    .allTopicNames()
                    .get()
                    .get("claim-requests")
                    .partitions()
                    .stream()
                    .map(info -> new TopicPartition("claim-requests", info.partition()))
                    .collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest()));
            return admin.listOffsets(partitions).all().get().values().stream()
                    .mapToLong(info -> info.offset())
                    .sum();
        }
    }
}
