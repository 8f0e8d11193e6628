package dev.turnstile.client.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.turnstile.client.CoordinatorUnavailableException;
import dev.turnstile.client.FakeCoordinator;
import dev.turnstile.client.RetrySettings;
import dev.turnstile.contracts.job.Backoff;
import dev.turnstile.contracts.job.JobState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class JobClientTest {

    private static final RetrySettings FAST = new RetrySettings(3, Duration.ofMillis(1), Duration.ofMillis(20), 0.0);

    private final FakeCoordinator coordinator = FakeCoordinator.start();
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final JobClient client =
            JobClient.builder(coordinator.url()).retry(FAST).logger(log::add).build();

    @AfterEach
    void stop() {
        client.close();
        coordinator.close();
    }

    @Test
    void an_enqueue_sends_every_setting_given_and_reads_the_created_job() {
        coordinator.answer(
                201,
                "{\"created\":true,\"id\":\"emails:welcome-42\",\"queue\":\"emails\","
                        + "\"jobId\":\"welcome-42\",\"state\":\"delayed\",\"runAt\":\"2026-11-23T10:31:00Z\","
                        + "\"message\":\"Enqueued emails:welcome-42: delayed\",\"requestId\":\"r-12345678\"}");

        var job = client.enqueue(
                "emails",
                NewJob.named("send-welcome")
                        .jobId("welcome-42")
                        .payloadOf(Map.of("to", "ada@example.com"))
                        .priority(5)
                        .delay(Duration.ofMinutes(1))
                        .maxAttempts(4)
                        .backoff(Backoff.exponential(2, 60))
                        .lease(Duration.ofSeconds(45))
                        .dedupKey("hire:deploy:3f9c2ab")
                        .requestId("r-12345678"));

        var sent = coordinator.received().getFirst();
        assertThat(sent.path()).isEqualTo("/api/queues/emails/jobs");
        assertThat(sent.json().toString())
                .isEqualTo("{\"name\":\"send-welcome\",\"jobId\":\"welcome-42\","
                        + "\"payload\":{\"to\":\"ada@example.com\"},\"priority\":5,\"delaySeconds\":60,\"maxAttempts\":4,"
                        + "\"backoff\":{\"kind\":\"exponential\",\"baseSeconds\":2,\"capSeconds\":60},\"leaseSeconds\":45,"
                        + "\"dedupKey\":\"hire:deploy:3f9c2ab\",\"requestId\":\"r-12345678\"}");
        assertThat(job.created()).isTrue();
        assertThat(job.id()).isEqualTo("emails:welcome-42");
        assertThat(job.state()).isEqualTo(JobState.DELAYED);
    }

    @Test
    void an_enqueue_answered_with_an_existing_job_says_it_was_not_created_and_by_what_it_matched() {
        coordinator.answer(
                200,
                "{\"created\":false,\"id\":\"emails:welcome-42\",\"state\":\"active\","
                        + "\"matchedBy\":\"dedup_key\",\"message\":\"already there\"}");

        var job = client.enqueue("emails", NewJob.named("send-welcome").dedupKey("k"));

        assertThat(job.created()).isFalse();
        assertThat(job.matchedBy()).isEqualTo("dedup_key");
        assertThat(job.state()).isEqualTo(JobState.ACTIVE);
    }

    @Test
    void an_invalid_job_is_rejected_here_naming_each_rule_and_nothing_is_sent() {
        assertThatThrownBy(() -> client.enqueue(
                        "bad queue", NewJob.named("").maxAttempts(0).lease(Duration.ofMillis(1500))))
                .isInstanceOfSatisfying(JobRejectedException.class, e -> {
                    assertThat(e.checkedLocally()).isTrue();
                    assertThat(e.violations())
                            .extracting(v -> v.field())
                            .containsExactly("queue", "name", "maxAttempts", "lease");
                });
        assertThat(coordinator.received()).isEmpty();
    }

    @Test
    void a_job_the_coordinator_rejects_is_an_error_with_its_violations_and_is_not_retried() {
        coordinator.answer(
                400,
                "{\"error\":\"invalid_request\",\"detail\":\"bad\",\"violations\":[{\"field\":"
                        + "\"payload\",\"rule\":\"size\",\"message\":\"payload must be at most 65536 bytes of JSON\"}]}");

        assertThatThrownBy(() -> client.enqueue("emails", NewJob.named("send")))
                .isInstanceOfSatisfying(JobRejectedException.class, e -> {
                    assertThat(e.checkedLocally()).isFalse();
                    assertThat(e.getMessage()).contains("payload must be at most 65536 bytes");
                });
        assertThat(coordinator.received()).hasSize(1);
    }

    @Test
    void claim_next_with_nothing_in_time_is_empty_and_a_job_carries_its_token_and_lease() {
        coordinator
                .answer(204, "")
                .answer(
                        200,
                        "{\"id\":\"emails:welcome-42\",\"queue\":\"emails\",\"jobId\":\"welcome-42\","
                                + "\"name\":\"send-welcome\",\"payload\":{\"to\":\"ada@example.com\"},\"attempt\":2,"
                                + "\"maxAttempts\":3,\"fencingToken\":7,\"leaseSeconds\":30,"
                                + "\"leaseExpiresAt\":\"2026-11-23T10:30:30Z\",\"priority\":0,\"workerId\":\"w1\"}");

        var none = client.claimNext("emails", "w1", Duration.ofSeconds(2));
        var job = client.claimNext("emails", "w1", Duration.ofSeconds(2)).orElseThrow();

        assertThat(none).isEmpty();
        assertThat(coordinator.received().getFirst().json().path("waitSeconds").asInt())
                .isEqualTo(2);
        assertThat(job.fencingToken()).isEqualTo(7);
        assertThat(job.attempt()).isEqualTo(2);
        assertThat(job.payload().path("to").asString()).isEqualTo("ada@example.com");
        assertThat(job.lastAttempt()).isFalse();
    }

    @Test
    void a_refused_report_is_an_answer_with_its_reason() {
        coordinator.answer(
                409,
                "{\"accepted\":false,\"result\":\"refused\",\"reason\":\"cancelled\","
                        + "\"message\":\"An operator cancelled emails:x: stop working on it\",\"currentFencingToken\":3}");
        var job = new Job("emails:x", "emails", "x", "n", null, 1, 3, 3, 30, null, 0, "w1", "r");

        var answer = client.heartbeat(job, 50, "half way");

        assertThat(answer.accepted()).isFalse();
        assertThat(answer.cancelled()).isTrue();
        assertThat(coordinator.received().getFirst().path()).isEqualTo("/api/jobs/emails:x/heartbeat");
        assertThat(coordinator.received().getFirst().json().path("progress").asInt())
                .isEqualTo(50);
    }

    @Test
    void an_unreachable_coordinator_is_retried_then_an_error_that_says_what_to_check() {
        try (var unreachable = JobClient.builder(FakeCoordinator.unreachableUrl())
                .retry(FAST)
                .logger(log::add)
                .build()) {
            assertThatThrownBy(() -> unreachable.enqueue("emails", NewJob.named("send")))
                    .isInstanceOf(CoordinatorUnavailableException.class)
                    .hasMessageContaining("after 3 attempts")
                    .hasMessageContaining("could not connect")
                    .hasMessageContaining("Check TURNSTILE_URL");
        }
        assertThat(log).hasSize(2).allMatch(line -> line.contains("with the same requestId"));
    }

    @Test
    void operator_requests_need_a_user_and_are_sent_with_it() {
        assertThatThrownBy(() -> client.cancel("emails", "x"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("operator(user, password)");
        coordinator.answer(
                200,
                "{\"accepted\":true,\"result\":\"cancelled\",\"message\":\"Cancelled\","
                        + "\"id\":\"emails:x\",\"state\":\"cancelled\",\"previousState\":\"active\"}");

        try (var operator =
                JobClient.builder(coordinator.url()).operator("ops", "secret").build()) {
            var answer = operator.cancel("emails", "x");

            assertThat(answer.accepted()).isTrue();
            assertThat(answer.previousState()).isEqualTo(JobState.ACTIVE);
        }
        assertThat(coordinator.received().getFirst().path()).isEqualTo("/api/jobs/emails:x/cancel");
    }

    @Test
    void a_forbidden_operator_request_says_which_role_is_missing() {
        coordinator.answer(403, "{\"error\":\"forbidden\",\"detail\":\"needs OPERATOR\"}");

        try (var operator =
                JobClient.builder(coordinator.url()).operator("analyst", "pw").build()) {
            assertThatThrownBy(() -> operator.pause("emails"))
                    .isInstanceOf(CoordinatorUnavailableException.class)
                    .hasMessageContaining("HTTP 403")
                    .hasMessageContaining("OPERATOR role");
        }
    }
}
