package dev.turnstile.gateway.answers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnstile.contracts.claim.ClaimEvent;
import dev.turnstile.contracts.claim.ClaimGranted;
import dev.turnstile.contracts.claim.ClaimMode;
import dev.turnstile.contracts.claim.DecisionHeader;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** The table of waiting requests, with claims waiting for decisions (job requests wait the same way). */
class PendingAnswersTest {

    private static final Duration MINUTE = Duration.ofMinutes(1);

    private static final String A1 = "claim once by a1";
    private static final String A2 = "claim once by a2";

    private static CompletableFuture<ClaimEvent> waiting(
            PendingAnswers<ClaimEvent> pending, String requestId, String fingerprint) {
        return ((PendingAnswers.Waiting<ClaimEvent>) pending.register("k:t:aaaaaaa", requestId, fingerprint, MINUTE))
                .answer();
    }

    private static ClaimGranted granted(String taskKey, String requestId) {
        return new ClaimGranted(
                new DecisionHeader(
                        1,
                        taskKey + "#1",
                        1,
                        requestId,
                        taskKey,
                        "hire",
                        "deploy",
                        "3f9c2ab",
                        "a1",
                        Instant.EPOCH,
                        false),
                ClaimMode.ONCE,
                1,
                null,
                null,
                false);
    }

    @Test
    void an_expiry_announcement_does_not_complete_the_waiter_of_the_claim_that_revealed_it() {
        var pending = PendingAnswers.forDecisions(4);
        var waiter = waiting(pending, "r2", A1);

        pending.complete(
                new dev.turnstile.contracts.claim.LeaseExpired(
                        new DecisionHeader(
                                1,
                                "k:t:aaaaaaa#2",
                                2,
                                "r2",
                                "k:t:aaaaaaa",
                                "k",
                                "t",
                                "aaaaaaa",
                                "a1",
                                Instant.EPOCH,
                                false),
                        ClaimMode.LEASE,
                        1,
                        Instant.EPOCH,
                        Instant.EPOCH),
                null);

        assertThat(waiter).isNotDone();
    }

    @Test
    void a_full_table_refuses_new_claims_instead_of_growing() {
        var pending = PendingAnswers.forDecisions(2);

        assertThat(pending.register("k:t:aaaaaaa", "r1", A1, MINUTE)).isInstanceOf(PendingAnswers.Waiting.class);
        assertThat(pending.register("k:t:aaaaaaa", "r2", A1, MINUTE)).isInstanceOf(PendingAnswers.Waiting.class);
        assertThat(pending.register("k:t:aaaaaaa", "r3", A1, MINUTE)).isInstanceOf(PendingAnswers.Full.class);
        assertThat(pending.size()).isEqualTo(2);
    }

    @Test
    void a_decision_completes_its_waiter_and_frees_its_place() throws Exception {
        var pending = PendingAnswers.forDecisions(1);
        var waiter = waiting(pending, "r1", A1);

        pending.complete(granted("k:t:aaaaaaa", "r1"), A1);

        assertThat(waiter.get().requestId()).isEqualTo("r1");
        assertThat(pending.size()).isZero();
        assertThat(pending.register("k:t:aaaaaaa", "r2", A1, MINUTE)).isInstanceOf(PendingAnswers.Waiting.class);
    }

    @Test
    void a_decision_for_another_key_with_the_same_request_id_does_not_complete_the_waiter() {
        var pending = PendingAnswers.forDecisions(4);
        var waiter = waiting(pending, "r1", A1);

        pending.complete(granted("k:t:bbbbbbb", "r1"), A1);

        assertThat(waiter).isNotDone();
    }

    @Test
    void a_waiter_without_a_decision_times_out_and_frees_its_place() {
        var pending = PendingAnswers.forDecisions(1);
        var waiter = ((PendingAnswers.Waiting<ClaimEvent>)
                        pending.register("k:t:aaaaaaa", "r1", A1, Duration.ofMillis(50)))
                .answer();

        assertThat(waiter)
                .failsWithin(Duration.ofSeconds(5))
                .withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(TimeoutException.class);
        assertThat(pending.size()).isZero();
    }

    @Test
    void two_waiters_for_the_same_request_share_one_place_and_one_answer() throws Exception {
        var pending = PendingAnswers.forDecisions(1);
        var first = waiting(pending, "r1", A1);
        var second = waiting(pending, "r1", A1);

        pending.complete(granted("k:t:aaaaaaa", "r1"), A1);

        assertThat(second).isSameAs(first);
        assertThat(second.get().requestId()).isEqualTo("r1");
    }

    @Test
    void a_request_asking_something_else_under_a_waiting_request_id_is_a_conflict_not_a_shared_answer() {
        var pending = PendingAnswers.forDecisions(4);
        var first = waiting(pending, "r1", A1);

        assertThat(pending.register("k:t:aaaaaaa", "r1", A2, MINUTE))
                .isEqualTo(new PendingAnswers.Conflict<ClaimEvent>(A1));
        assertThat(pending.size()).isEqualTo(1);
        assertThat(first).isNotDone();
    }

    @Test
    void a_decision_answering_another_request_under_the_same_id_does_not_complete_the_waiter() {
        var pending = PendingAnswers.forDecisions(4);
        var waiter = waiting(pending, "r1", A1);

        pending.complete(granted("k:t:aaaaaaa", "r1"), A2);

        assertThat(waiter).isNotDone();
    }
}
