package dev.turnstile.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

import dev.turnstile.contracts.claim.FieldViolation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ClaimClientTest {

    private static final RetrySettings FAST = new RetrySettings(4, Duration.ofMillis(1), Duration.ofMillis(20), 0.0);

    private final FakeCoordinator coordinator = FakeCoordinator.start();
    private final List<String> log = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopCoordinator() {
        coordinator.close();
    }

    private ClaimClient client(RetrySettings retry) {
        return ClaimClient.builder(coordinator.url())
                .retry(retry)
                .logger(log::add)
                .build();
    }

    private static ClaimRequest claim() {
        return new ClaimRequest("hire", "convex-deploy", "3F9C2AB", "agent-1", null);
    }

    @Nested
    class Decisions {

        @Test
        void the_first_claim_proceeds_with_the_coordinators_decision() {
            coordinator.grant();

            ClaimResult result;
            try (var client = client(FAST)) {
                result = client.claim(claim());
            }

            assertThat(result.proceed()).isTrue();
            assertThat(result.taskKey()).isEqualTo("hire:convex-deploy:3f9c2ab");
            assertThat(result.claimedBy()).isEqualTo("agent-1");
            assertThat(result.claimedAt()).isEqualTo(Instant.parse(FakeCoordinator.CLAIMED_AT));
            assertThat(result.message()).isEqualTo("Claimed by agent-1 at " + FakeCoordinator.CLAIMED_AT);
        }

        @Test
        void a_duplicate_claim_skips_and_says_who_claimed_it_and_when() {
            coordinator.deny("agent-2");

            ClaimResult result;
            try (var client = client(FAST)) {
                result = client.claim(claim());
            }

            assertThat(result.proceed()).isFalse();
            assertThat(result.claimedBy()).isEqualTo("agent-2");
            assertThat(result.claimedAt()).isEqualTo(Instant.parse(FakeCoordinator.CLAIMED_AT));
            assertThat(result.message()).isEqualTo("Already claimed by agent-2 at " + FakeCoordinator.CLAIMED_AT);
        }

        @Test
        void the_claim_is_posted_as_json_with_a_lower_case_sha_and_a_generated_uuid_request_id() {
            coordinator.grant();

            ClaimResult result;
            try (var client = client(FAST)) {
                result = client.claim(claim());
            }

            var received = coordinator.received().getFirst();
            assertThat(received.method()).isEqualTo("POST");
            assertThat(received.path()).isEqualTo("/api/claim");
            var body = received.json();
            assertThat(body.path("project").asString()).isEqualTo("hire");
            assertThat(body.path("task").asString()).isEqualTo("convex-deploy");
            assertThat(body.path("gitSha").asString()).isEqualTo("3f9c2ab");
            assertThat(body.path("agentId").asString()).isEqualTo("agent-1");
            assertThat(body.path("requestId").asString())
                    .matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
                    .isEqualTo(result.requestId());
        }

        @Test
        void a_given_request_id_is_sent_as_it_is() {
            coordinator.grant();

            try (var client = client(FAST)) {
                client.claim(claim().withRequestId("ci-run-42-convex"));
            }

            assertThat(coordinator
                            .received()
                            .getFirst()
                            .json()
                            .path("requestId")
                            .asString())
                    .isEqualTo("ci-run-42-convex");
        }

        @Test
        void a_coordinator_url_with_a_trailing_slash_reaches_the_same_endpoint() {
            coordinator.grant();

            try (var client = ClaimClient.builder(coordinator.url().resolve("/"))
                    .retry(FAST)
                    .build()) {
                client.claim(claim());
            }

            assertThat(coordinator.received().getFirst().path()).isEqualTo("/api/claim");
        }
    }

    @Nested
    class InvalidClaims {

        @Test
        void an_invalid_claim_is_rejected_on_the_agent_with_every_violation() {
            assertThatThrownBy(() -> new ClaimRequest("hire", "convex deploy", "zz", "agent-1", null))
                    .asInstanceOf(type(ClaimRejectedException.class))
                    .satisfies(rejected -> {
                        assertThat(rejected.checkedLocally()).isTrue();
                        assertThat(rejected.violations())
                                .extracting(FieldViolation::field)
                                .containsExactly("task", "gitSha");
                        assertThat(rejected.getMessage()).contains("not sent", "gitSha must be 7 to 64");
                    });
        }

        @Test
        void a_claim_the_coordinator_answers_with_400_is_rejected_with_its_violations_and_not_retried() {
            coordinator.answer(400, """
                    {"error":"invalid_request","detail":"The claim is invalid",
                     "violations":[{"field":"gitSha","rule":"pattern","message":"gitSha must be hexadecimal"}]}
                    """);

            try (var client = client(FAST)) {
                assertThatThrownBy(() -> client.claim(claim()))
                        .asInstanceOf(type(ClaimRejectedException.class))
                        .satisfies(rejected -> {
                            assertThat(rejected.checkedLocally()).isFalse();
                            assertThat(rejected.violations())
                                    .containsExactly(
                                            new FieldViolation("gitSha", "pattern", "gitSha must be hexadecimal"));
                        });
            }

            assertThat(coordinator.received()).hasSize(1);
            assertThat(log).isEmpty();
        }

        @Test
        void other_client_errors_are_not_retried_and_point_at_the_url() {
            coordinator.answer(404, "Not Found");

            try (var client = client(FAST)) {
                assertThatThrownBy(() -> client.claim(claim()))
                        .isInstanceOf(CoordinatorUnavailableException.class)
                        .hasMessageContaining("answered HTTP 404")
                        .hasMessageContaining(coordinator.url() + "/api/claim")
                        .hasMessageContaining("TURNSTILE_URL");
            }

            assertThat(coordinator.received()).hasSize(1);
        }
    }

    @Nested
    class Retries {

        @Test
        void a_busy_coordinator_is_asked_again_with_the_same_request_id_until_it_decides() {
            coordinator
                    .answer(503, Map.of("Retry-After", "0"), """
                            {"error":"overloaded","detail":"Too many pending claims"}""")
                    .answer(504, "")
                    .grant();

            ClaimResult result;
            try (var client = client(FAST)) {
                result = client.claim(claim());
            }

            assertThat(result.proceed()).isTrue();
            assertThat(coordinator.received())
                    .extracting(received -> received.json().path("requestId").asString())
                    .hasSize(3)
                    .containsOnly(result.requestId());
            assertThat(log).hasSize(2);
            assertThat(log.get(0))
                    .startsWith("Claim attempt 1 of 4 for hire:convex-deploy:3f9c2ab")
                    .contains("HTTP 503 overloaded: Too many pending claims")
                    .contains("with the same requestId " + result.requestId());
            assertThat(log.get(1)).startsWith("Claim attempt 2 of 4").contains("HTTP 504");
        }

        @Test
        void retry_after_in_seconds_is_honoured_up_to_the_backoff_cap() {
            var retry = new RetrySettings(2, Duration.ofMillis(1), Duration.ofMillis(300), 0.0);
            coordinator.answer(503, Map.of("Retry-After", "1"), """
                    {"error":"decision_timeout","detail":"No decision within 5 s"}""").grant();

            try (var client = client(retry)) {
                client.claim(claim());
            }

            assertThat(log).singleElement().asString().contains("retrying in 300 ms");
            assertThat(pauseBetweenRequests()).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        }

        @Test
        void retry_after_as_an_http_date_is_waited_for_when_it_is_longer_than_the_backoff() {
            // The coordinator's date has one-second resolution; the client's clock is 400 ms before it.
            var clock = Clock.fixed(Instant.parse("2026-11-23T10:29:59.600Z"), ZoneOffset.UTC);
            coordinator
                    .answer(503, Map.of("Retry-After", "Mon, 23 Nov 2026 10:30:00 GMT"), "")
                    .grant();

            try (var client = ClaimClient.builder(coordinator.url())
                    .retry(new RetrySettings(2, Duration.ofMillis(1), Duration.ofSeconds(3), 0.0))
                    .logger(log::add)
                    .clock(clock)
                    .build()) {
                client.claim(claim());
            }

            assertThat(log).singleElement().asString().contains("retrying in 400 ms");
            assertThat(pauseBetweenRequests()).isGreaterThanOrEqualTo(Duration.ofMillis(400));
        }

        @Test
        void an_unreachable_coordinator_fails_after_the_configured_attempts_saying_what_to_check() {
            var url = FakeCoordinator.unreachableUrl();

            try (var client = ClaimClient.builder(url)
                    .retry(FAST.withMaxAttempts(3))
                    .logger(log::add)
                    .build()) {
                assertThatThrownBy(() -> client.claim(claim()))
                        .asInstanceOf(type(CoordinatorUnavailableException.class))
                        .satisfies(unavailable -> {
                            assertThat(unavailable.attempts()).isEqualTo(3);
                            assertThat(unavailable.lastStatus()).isEmpty();
                            assertThat(unavailable.url()).isEqualTo(url.resolve("/api/claim"));
                            assertThat(unavailable.getMessage())
                                    .contains(url + "/api/claim")
                                    .contains("after 3 attempts")
                                    .contains("could not connect to 127.0.0.1:" + url.getPort())
                                    .contains("Check TURNSTILE_URL")
                                    .contains("coordinator is running");
                        });
            }

            assertThat(log).hasSize(2);
        }

        @Test
        void a_coordinator_that_stays_busy_fails_with_its_last_status() {
            for (int i = 0; i < 4; i++) {
                coordinator.answer(503, """
                        {"error":"unavailable","detail":"Kafka is unreachable"}""");
            }

            try (var client = client(FAST)) {
                assertThatThrownBy(() -> client.claim(claim()))
                        .asInstanceOf(type(CoordinatorUnavailableException.class))
                        .satisfies(unavailable -> {
                            assertThat(unavailable.attempts()).isEqualTo(4);
                            assertThat(unavailable.lastStatus()).hasValue(503);
                            assertThat(unavailable.getMessage())
                                    .contains("after 4 attempts")
                                    .contains("HTTP 503 unavailable: Kafka is unreachable")
                                    .contains("check its health");
                        });
            }

            assertThat(coordinator.received()).hasSize(4);
        }

        @Test
        void an_attempt_without_an_answer_times_out_and_is_retried() {
            coordinator.hang().grant();

            ClaimResult result;
            try (var client = ClaimClient.builder(coordinator.url())
                    .attemptTimeout(Duration.ofMillis(200))
                    .retry(FAST)
                    .logger(log::add)
                    .build()) {
                result = client.claim(claim());
            }

            assertThat(result.proceed()).isTrue();
            assertThat(log).singleElement().asString().contains("no answer within 200 ms");
        }

        private Duration pauseBetweenRequests() {
            var received = coordinator.received();
            assertThat(received).hasSize(2);
            return Duration.ofNanos(
                    received.get(1).receivedAtNanos() - received.get(0).receivedAtNanos());
        }
    }

    @Nested
    class Health {

        @Test
        void a_healthy_coordinator_reports_healthy() {
            coordinator.answer(200, """
                    {"status":"healthy","timestamp":"2026-11-23T10:30:00Z"}""");

            HealthReport report;
            try (var client = client(FAST)) {
                report = client.health();
            }

            assertThat(report).isEqualTo(new HealthReport(true, "healthy", "2026-11-23T10:30:00Z", null));
            assertThat(coordinator.received().getFirst().path()).isEqualTo("/api/health");
        }

        @Test
        void an_unhealthy_coordinator_reports_why() {
            coordinator.answer(503, """
                    {"status":"unhealthy","error":"Kafka is unreachable"}""");

            HealthReport report;
            try (var client = client(FAST)) {
                report = client.health();
            }

            assertThat(report.healthy()).isFalse();
            assertThat(report.error()).isEqualTo("Kafka is unreachable");
            assertThat(coordinator.received()).hasSize(1);
        }

        @Test
        void an_unreachable_coordinator_has_no_health() {
            try (var client =
                    ClaimClient.builder(FakeCoordinator.unreachableUrl()).build()) {
                assertThatThrownBy(client::health)
                        .isInstanceOf(CoordinatorUnavailableException.class)
                        .hasMessageContaining("No health answer")
                        .hasMessageContaining("could not connect");
            }
        }
    }

    @Test
    void a_coordinator_url_must_be_http() {
        assertThatThrownBy(() -> ClaimClient.builder(java.net.URI.create("ftp://turnstile")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("http(s) URL such as http://turnstile.internal:8080");
    }
}
