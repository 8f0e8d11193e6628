package dev.turnstile.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnstile.contracts.claim.ClaimMode;
import dev.turnstile.contracts.claim.ClaimOutcome;
import dev.turnstile.contracts.claim.ClaimPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LeaseTest {

    private static final RetrySettings FAST = new RetrySettings(2, Duration.ofMillis(1), Duration.ofMillis(20), 0.0);

    private final FakeCoordinator coordinator = FakeCoordinator.start();
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final ClaimClient client =
            ClaimClient.builder(coordinator.url()).retry(FAST).logger(log::add).build();
    private final ClaimRequest request = new ClaimRequest("hire", "convex-deploy", "3f9c2ab", "agent-1", null);

    @AfterEach
    void stop() {
        client.close();
        coordinator.close();
    }

    @Test
    void a_lease_claim_sends_its_mode_and_ttl_and_the_grant_carries_token_and_expiry() {
        coordinator.grantLease(4, 30);

        var result = client.claim(request, ClaimPolicy.lease(30).withTakeoverAfterFailure(true));

        var sent = coordinator.received().getFirst().json();
        assertThat(sent.path("mode").asString()).isEqualTo("lease");
        assertThat(sent.path("ttlSeconds").asInt()).isEqualTo(30);
        assertThat(sent.path("takeoverAfterFailure").asBoolean()).isTrue();
        assertThat(result.mode()).isEqualTo(ClaimMode.LEASE);
        assertThat(result.fencingToken()).isEqualTo(4);
        assertThat(result.expiresAt())
                .isEqualTo(Instant.parse(FakeCoordinator.CLAIMED_AT).plusSeconds(30));
    }

    @Test
    void a_lost_race_is_an_empty_lease_not_an_error() {
        coordinator.deny("agent-2");

        assertThat(client.acquireLease(request, Duration.ofSeconds(30))).isEmpty();
    }

    @Test
    void a_refused_renewal_is_a_result_with_its_reason() {
        coordinator.refuse("stale_token");

        var result = client.renew(request, 3, null);

        assertThat(result.accepted()).isFalse();
        assertThat(result.reason()).isEqualTo("stale_token");
        assertThat(result.currentFencingToken()).isEqualTo(9);
        assertThat(coordinator.received().getFirst().path()).isEqualTo("/api/lease/renew");
        assertThat(coordinator.received().getFirst().json().path("fencingToken").asLong())
                .isEqualTo(3);
    }

    @Test
    void keep_alive_renews_in_the_background_and_reports_a_lost_lease_once() throws Exception {
        coordinator.grantLease(1, 1).accept("renewed").refuse("stale_token");
        var lost = new CompletableFuture<String>();

        try (var lease = client.acquireLease(request, Duration.ofSeconds(1)).orElseThrow()) {
            lease.keepAlive(lost::complete);

            assertThat(lost.get(10, TimeUnit.SECONDS)).contains("stale_token");
            assertThat(lease.isLost()).isTrue();
        }

        assertThat(coordinator.received())
                .extracting(FakeCoordinator.Received::path)
                .containsExactly("/api/claim", "/api/lease/renew", "/api/lease/renew");
    }

    @Test
    void closing_a_lease_that_was_not_completed_releases_it() {
        coordinator.grantLease(2, 30).accept("released");

        try (var lease = client.acquireLease(request, Duration.ofSeconds(30)).orElseThrow()) {
            assertThat(lease.fencingToken()).isEqualTo(2);
        }

        var release = coordinator.received().getLast();
        assertThat(release.path()).isEqualTo("/api/lease/release");
        assertThat(release.json().path("fencingToken").asLong()).isEqualTo(2);
    }

    @Test
    void completing_a_lease_reports_the_outcome_and_close_then_releases_nothing() {
        coordinator.grantLease(2, 30).accept("completed");

        try (var lease = client.acquireLease(request, Duration.ofSeconds(30)).orElseThrow()) {
            assertThat(lease.complete(ClaimOutcome.FAILED).accepted()).isTrue();
        }

        assertThat(coordinator.received()).hasSize(2);
        assertThat(coordinator.received().getLast().json().path("outcome").asString())
                .isEqualTo("failed");
    }

    @Test
    void waiting_for_the_outcome_long_polls_until_the_claim_ends() {
        coordinator
                .answer(200, "{\"taskKey\":\"hire:convex-deploy:3f9c2ab\",\"status\":\"pending\",\"ended\":false}")
                .answer(
                        200,
                        "{\"taskKey\":\"hire:convex-deploy:3f9c2ab\",\"status\":\"succeeded\",\"ended\":true,"
                                + "\"agentId\":\"agent-2\",\"fencingToken\":1}");

        var outcome = client.awaitOutcome("hire:convex-deploy:3f9c2ab", Duration.ofMinutes(5));

        assertThat(outcome.succeeded()).isTrue();
        assertThat(outcome.agentId()).isEqualTo("agent-2");
        assertThat(coordinator.received()).hasSize(2);
        assertThat(coordinator.received().getFirst().path()).isEqualTo("/api/claim/outcome");
    }
}
