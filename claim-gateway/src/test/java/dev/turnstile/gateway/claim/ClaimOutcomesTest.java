package dev.turnstile.gateway.claim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnstile.contracts.claim.ClaimCompleted;
import dev.turnstile.contracts.claim.ClaimDenied;
import dev.turnstile.contracts.claim.ClaimEvent;
import dev.turnstile.contracts.claim.ClaimGranted;
import dev.turnstile.contracts.claim.ClaimMode;
import dev.turnstile.contracts.claim.ClaimOutcome;
import dev.turnstile.contracts.claim.ClaimStatus;
import dev.turnstile.contracts.claim.DecisionHeader;
import dev.turnstile.contracts.claim.LeaseExpired;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ClaimOutcomesTest {

    private static final String KEY = "hire:deploy:3f9c2ab";
    private static final Instant T0 = Instant.parse("2026-11-23T10:30:00Z");

    private static ClaimGranted granted(long sequence, String agent, long token) {
        return new ClaimGranted(
                new DecisionHeader(
                        1,
                        KEY + "#" + sequence,
                        sequence,
                        "r" + sequence,
                        KEY,
                        "hire",
                        "deploy",
                        "3f9c2ab",
                        agent,
                        T0,
                        false),
                ClaimMode.LEASE,
                token,
                T0.plusSeconds(30),
                30,
                false);
    }

    private static ClaimCompleted completed(long sequence, String agent, long token, ClaimOutcome outcome) {
        return new ClaimCompleted(
                new DecisionHeader(
                        1,
                        KEY + "#" + sequence,
                        sequence,
                        "r" + sequence,
                        KEY,
                        "hire",
                        "deploy",
                        "3f9c2ab",
                        agent,
                        T0.plusSeconds(5),
                        false),
                ClaimMode.LEASE,
                token,
                outcome);
    }

    @Test
    void a_waiting_agent_learns_the_winners_outcome_as_soon_as_it_is_heard() throws Exception {
        var outcomes = new ClaimOutcomes(10, 10);
        outcomes.record(granted(1, "agent-1", 1));
        var waiter = outcomes.awaitEnd(KEY, Duration.ofMinutes(1)).orElseThrow();

        outcomes.record(completed(2, "agent-1", 1, ClaimOutcome.SUCCEEDED));

        assertThat(waiter.get().orElseThrow().status()).isEqualTo(ClaimStatus.SUCCEEDED);
        assertThat(outcomes.waiting()).isZero();
    }

    @Test
    void a_wait_that_runs_out_answers_active_and_frees_its_place() throws Exception {
        var outcomes = new ClaimOutcomes(10, 1);
        outcomes.record(granted(1, "agent-1", 1));

        var standing =
                outcomes.awaitEnd(KEY, Duration.ofMillis(20)).orElseThrow().get();

        assertThat(standing.orElseThrow().status()).isEqualTo(ClaimStatus.ACTIVE);
        assertThat(outcomes.waiting()).isZero();
        assertThat(outcomes.awaitEnd(KEY, Duration.ofMillis(20))).isPresent();
    }

    @Test
    void on_shutdown_every_wait_ends_at_once_with_the_standing_and_later_ones_do_not_wait() throws Exception {
        var outcomes = new ClaimOutcomes(10, 10);
        outcomes.record(granted(1, "agent-1", 1));
        var waiter = outcomes.awaitEnd(KEY, Duration.ofMinutes(1)).orElseThrow();

        outcomes.stopWaiting();

        assertThat(waiter).isCompleted();
        assertThat(waiter.get().orElseThrow().status()).isEqualTo(ClaimStatus.ACTIVE);
        assertThat(outcomes.waiting()).isZero();
        assertThat(outcomes.awaitEnd(KEY, Duration.ofMinutes(1)).orElseThrow()).isCompleted();
    }

    @Test
    void an_expired_lease_ends_the_wait_with_expired() throws Exception {
        var outcomes = new ClaimOutcomes(10, 10);
        outcomes.record(granted(1, "agent-1", 1));
        var waiter = outcomes.awaitEnd(KEY, Duration.ofMinutes(1)).orElseThrow();

        outcomes.record(new LeaseExpired(
                new DecisionHeader(
                        1,
                        KEY + "#2",
                        2,
                        "expire-1-1",
                        KEY,
                        "hire",
                        "deploy",
                        "3f9c2ab",
                        "agent-1",
                        T0.plusSeconds(31),
                        false),
                ClaimMode.LEASE,
                1,
                T0.plusSeconds(30),
                T0));

        assertThat(waiter.get().orElseThrow().status()).isEqualTo(ClaimStatus.EXPIRED);
    }

    @Test
    void a_denial_tells_the_table_who_holds_the_key_even_when_the_grant_was_not_heard() {
        var outcomes = new ClaimOutcomes(10, 10);

        outcomes.record(new ClaimDenied(
                new DecisionHeader(1, KEY + "#7", 7, "r7", KEY, "hire", "deploy", "3f9c2ab", "agent-2", T0, false),
                "agent-1",
                T0,
                ClaimMode.ONCE,
                1,
                null,
                ClaimOutcome.FAILED));

        assertThat(outcomes.current(KEY).orElseThrow())
                .extracting(
                        ClaimOutcomes.Standing::status,
                        standing -> standing.holder().agentId())
                .containsExactly(ClaimStatus.FAILED, "agent-1");
    }

    @Test
    void older_decisions_and_redeliveries_do_not_overwrite_newer_ones() {
        var outcomes = new ClaimOutcomes(10, 10);
        outcomes.record(completed(2, "agent-1", 1, ClaimOutcome.FAILED));

        outcomes.record(granted(1, "agent-1", 1));
        outcomes.record(((ClaimEvent) granted(3, "agent-2", 2)).asRedelivery());

        assertThat(outcomes.current(KEY).orElseThrow().status()).isEqualTo(ClaimStatus.FAILED);
    }

    @Test
    void the_table_forgets_the_least_recently_touched_keys_beyond_its_capacity() {
        var outcomes = new ClaimOutcomes(1, 10);
        outcomes.record(granted(1, "agent-1", 1));

        outcomes.record(new ClaimGranted(
                new DecisionHeader(
                        1,
                        "other:deploy:3f9c2ab#1",
                        1,
                        "r1",
                        "other:deploy:3f9c2ab",
                        "other",
                        "deploy",
                        "3f9c2ab",
                        "agent-1",
                        T0,
                        false),
                ClaimMode.ONCE,
                1,
                null,
                null,
                false));

        assertThat(outcomes.current(KEY)).isEmpty();
        assertThat(outcomes.current("other:deploy:3f9c2ab")).isPresent();
    }

    @Test
    void too_many_waiting_agents_are_refused_instead_of_queued() {
        var outcomes = new ClaimOutcomes(10, 1);
        outcomes.record(granted(1, "agent-1", 1));

        assertThat(outcomes.awaitEnd(KEY, Duration.ofMinutes(1))).isPresent();
        assertThat(outcomes.awaitEnd(KEY, Duration.ofMinutes(1))).isEmpty();
    }
}
