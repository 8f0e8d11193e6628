package dev.turnstile.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.turnstile.contracts.claim.ClaimDenied;
import dev.turnstile.contracts.claim.ClaimEvent;
import dev.turnstile.contracts.claim.ClaimGranted;
import dev.turnstile.contracts.claim.ClaimMode;
import dev.turnstile.contracts.claim.DecisionHeader;
import dev.turnstile.contracts.claim.LeaseReleased;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class HistoryCheckerTest {

    private static final String KEY = "hire:deploy:abcdef1";
    private static final Instant AT = Instant.parse("2026-11-26T10:00:00Z");

    private static ClaimGranted granted(long sequence, String requestId, String agent, long token) {
        return new ClaimGranted(
                new DecisionHeader(
                        1,
                        KEY + "#" + sequence,
                        sequence,
                        requestId,
                        KEY,
                        "hire",
                        "deploy",
                        "abcdef1",
                        agent,
                        AT,
                        false),
                ClaimMode.ONCE,
                token,
                null,
                null,
                false);
    }

    private static ClaimDenied denied(long sequence, String requestId, String agent, String holder, long token) {
        return new ClaimDenied(
                new DecisionHeader(
                        1,
                        KEY + "#" + sequence,
                        sequence,
                        requestId,
                        KEY,
                        "hire",
                        "deploy",
                        "abcdef1",
                        agent,
                        AT,
                        false),
                holder,
                AT,
                ClaimMode.ONCE,
                token,
                null,
                null);
    }

    private static LeaseReleased released(long sequence, String requestId, String agent, long token) {
        return new LeaseReleased(
                new DecisionHeader(
                        1,
                        KEY + "#" + sequence,
                        sequence,
                        requestId,
                        KEY,
                        "hire",
                        "deploy",
                        "abcdef1",
                        agent,
                        AT,
                        false),
                ClaimMode.ONCE,
                token);
    }

    @Test
    void a_history_whose_answers_the_log_holds_is_valid() {
        var history = new ClientHistory();
        history.invoke(KEY, "a1", "r1").answered(true, "a1", 1);
        history.invoke(KEY, "a2", "r2").answered(false, "a1", 1);
        List<ClaimEvent> log = List.of(granted(1, "r1", "a1", 1), denied(2, "r2", "a2", "a1", 1));

        var report = HistoryChecker.check(history, log).assertValid();

        assertThat(report.answered()).isEqualTo(2);
        assertThat(report.grants()).isEqualTo(1);
    }

    @Test
    void an_answer_the_log_contradicts_is_a_violation() {
        var history = new ClientHistory();
        history.invoke(KEY, "a1", "r1").answered(true, "a1", 1);
        history.invoke(KEY, "a2", "r2").answered(true, "a2", 2);
        List<ClaimEvent> log = List.of(granted(1, "r1", "a1", 1), denied(2, "r2", "a2", "a1", 1));

        assertThatThrownBy(() -> HistoryChecker.check(history, log).assertValid())
                .hasMessageContaining("The log contradicts an answer: #1 a2 claims");
    }

    @Test
    void an_acknowledged_grant_missing_from_the_log_is_a_violation() {
        var history = new ClientHistory();
        history.invoke(KEY, "a1", "r1").answered(true, "a1", 1);

        assertThatThrownBy(() -> HistoryChecker.check(history, List.of()).assertValid())
                .hasMessageContaining("Answered but not in the log");
    }

    @Test
    void a_second_grant_while_the_first_holder_still_holds_is_a_violation() {
        List<ClaimEvent> log = List.of(granted(1, "r1", "a1", 1), granted(2, "r2", "a2", 2));

        assertThatThrownBy(() -> HistoryChecker.check(new ClientHistory(), log).assertValid())
                .hasMessageContaining("Two valid holders of " + KEY);
    }

    @Test
    void a_grant_after_the_holder_released_is_valid_with_the_next_token() {
        List<ClaimEvent> log =
                List.of(granted(1, "r1", "a1", 1), released(2, "r3", "a1", 1), granted(3, "r2", "a2", 2));

        assertThat(HistoryChecker.check(new ClientHistory(), log).assertValid().grants())
                .isEqualTo(2);
    }

    @Test
    void a_gap_in_the_numbering_is_a_violation() {
        List<ClaimEvent> log = List.of(granted(1, "r1", "a1", 1), denied(3, "r2", "a2", "a1", 1));

        assertThatThrownBy(() -> HistoryChecker.check(new ClientHistory(), log).assertValid())
                .hasMessageContaining("not numbered 1, 2, 3");
    }

    @Test
    void a_claim_sent_after_another_was_answered_but_decided_before_it_is_a_violation() {
        var history = new ClientHistory();
        history.invoke(KEY, "a2", "r2").answered(false, "a1", 1);
        history.invoke(KEY, "a1", "r1").answered(true, "a1", 1);
        List<ClaimEvent> log = List.of(granted(1, "r1", "a1", 1), denied(2, "r2", "a2", "a1", 1));

        assertThatThrownBy(() -> HistoryChecker.check(history, log).assertValid())
                .hasMessageContaining("Decided out of real-time order");
    }

    @Test
    void a_grant_whose_client_never_heard_is_counted() {
        var history = new ClientHistory();
        history.invoke(KEY, "a1", "r1").unknown("no answer within 5 s");

        var report = HistoryChecker.check(history, List.of(granted(1, "r1", "a1", 1)))
                .assertValid();

        assertThat(report.unknown()).isEqualTo(1);
        assertThat(report.unacknowledgedGrants()).isEqualTo(1);
    }
}
