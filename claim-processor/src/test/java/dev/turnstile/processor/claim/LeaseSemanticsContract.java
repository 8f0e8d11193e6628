package dev.turnstile.processor.claim;

import static dev.turnstile.processor.claim.Commands.DEPLOY;
import static dev.turnstile.processor.claim.Commands.T0;
import static dev.turnstile.processor.claim.Commands.claim;
import static dev.turnstile.processor.claim.Commands.complete;
import static dev.turnstile.processor.claim.Commands.expireCheck;
import static dev.turnstile.processor.claim.Commands.lease;
import static dev.turnstile.processor.claim.Commands.release;
import static dev.turnstile.processor.claim.Commands.renew;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.turnstile.contracts.claim.ClaimCommand;
import dev.turnstile.contracts.claim.ClaimCompleted;
import dev.turnstile.contracts.claim.ClaimDenied;
import dev.turnstile.contracts.claim.ClaimEvent;
import dev.turnstile.contracts.claim.ClaimGranted;
import dev.turnstile.contracts.claim.ClaimMode;
import dev.turnstile.contracts.claim.ClaimOutcome;
import dev.turnstile.contracts.claim.ClaimPolicy;
import dev.turnstile.contracts.claim.HolderRequest;
import dev.turnstile.contracts.claim.LeaseExpired;
import dev.turnstile.contracts.claim.LeaseReleased;
import dev.turnstile.contracts.claim.LeaseRenewed;
import dev.turnstile.contracts.claim.RefusalReason;
import dev.turnstile.contracts.claim.RequestRefused;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The rules of leases, fencing tokens and completion, as sentences with explicit command times (seconds after
 * T0). Run against the pure decider and against the production topology, like the claim rules.
 */
abstract class LeaseSemanticsContract extends ClaimSemanticsContract {

    private List<ClaimEvent> given(ClaimCommand... commands) {
        return run(List.of(commands));
    }

    @Nested
    class WhenALeaseIsHeld {

        @Test
        void lease_grant_carries_fencing_token_1_and_expires_ttl_after_the_claim() {
            var events = given(lease(DEPLOY, "agent-1", "req-0001", 0, 30));

            assertThat(events).singleElement().isInstanceOfSatisfying(ClaimGranted.class, granted -> {
                assertThat(granted.mode()).isEqualTo(ClaimMode.LEASE);
                assertThat(granted.fencingToken()).isEqualTo(1);
                assertThat(granted.expiresAt()).isEqualTo(T0.plusSeconds(30));
                assertThat(granted.ttlSeconds()).isEqualTo(30);
            });
        }

        @Test
        void another_agent_is_denied_before_expiry_and_told_when_the_lease_runs_out() {
            var events =
                    given(lease(DEPLOY, "agent-1", "req-0001", 0, 30), lease(DEPLOY, "agent-2", "req-0002", 29, 30));

            assertThat(events.get(1)).isInstanceOfSatisfying(ClaimDenied.class, denied -> {
                assertThat(denied.heldBy()).isEqualTo("agent-1");
                assertThat(denied.fencingToken()).isEqualTo(1);
                assertThat(denied.expiresAt()).isEqualTo(T0.plusSeconds(30));
                assertThat(denied.outcome()).isNull();
            });
        }

        @Test
        void holder_renews_with_its_token_and_the_lease_then_runs_ttl_from_the_renewal() {
            var events =
                    given(lease(DEPLOY, "agent-1", "req-0001", 0, 30), renew(DEPLOY, "agent-1", 1, "req-0002", 20));

            assertThat(events.get(1)).isInstanceOfSatisfying(LeaseRenewed.class, renewed -> {
                assertThat(renewed.fencingToken()).isEqualTo(1);
                assertThat(renewed.expiresAt()).isEqualTo(T0.plusSeconds(50));
                assertThat(renewed.requestId()).isEqualTo("req-0002");
            });
        }

        @Test
        void renewed_lease_is_still_held_after_its_original_expiry() {
            var events = given(
                    lease(DEPLOY, "agent-1", "req-0001", 0, 30),
                    renew(DEPLOY, "agent-1", 1, "req-0002", 20),
                    lease(DEPLOY, "agent-2", "req-0003", 45, 30));

            assertThat(events.get(2)).isInstanceOf(ClaimDenied.class);
        }

        @Test
        void a_renewal_may_ask_for_another_ttl() {
            var events = given(
                    lease(DEPLOY, "agent-1", "req-0001", 0, 30), renew(DEPLOY, "agent-1", 1, "req-0002", 10, 120));

            assertThat(((LeaseRenewed) events.get(1)).expiresAt()).isEqualTo(T0.plusSeconds(130));
        }

        @Test
        void released_lease_goes_to_the_next_claimer_with_the_next_token() {
            var events = given(
                    lease(DEPLOY, "agent-1", "req-0001", 0, 30),
                    release(DEPLOY, "agent-1", 1, "req-0002", 5),
                    lease(DEPLOY, "agent-2", "req-0003", 6, 30));

            assertThat(events.get(1)).isInstanceOf(LeaseReleased.class);
            assertThat(events.get(2)).isInstanceOfSatisfying(ClaimGranted.class, granted -> {
                assertThat(granted.agentId()).isEqualTo("agent-2");
                assertThat(granted.fencingToken()).isEqualTo(2);
            });
        }
    }

    @Nested
    class WhenALeaseRunsOut {

        @Test
        void expired_lease_can_be_claimed_by_another_agent() {
            var events =
                    given(lease(DEPLOY, "agent-1", "req-0001", 0, 30), lease(DEPLOY, "agent-2", "req-0002", 30, 30));

            assertThat(events)
                    .extracting(
                            event -> event.getClass().getSimpleName(),
                            ClaimEvent::agentId,
                            ClaimEvent::fencingToken,
                            ClaimEvent::sequence)
                    .containsExactly(
                            tuple("ClaimGranted", "agent-1", 1L, 1L),
                            tuple("LeaseExpired", "agent-1", 1L, 2L),
                            tuple("ClaimGranted", "agent-2", 2L, 3L));
            assertThat(events.get(1)).isInstanceOfSatisfying(LeaseExpired.class, expired -> {
                assertThat(expired.expiresAt()).isEqualTo(T0.plusSeconds(30));
                assertThat(expired.attemptedAt()).isEqualTo(T0.plusSeconds(30));
                assertThat(expired.requestId()).isEqualTo("req-0002");
                assertThat(expired.answersRequest()).isFalse();
            });
        }

        @Test
        void a_once_claim_may_take_over_an_expired_lease() {
            var events = given(lease(DEPLOY, "agent-1", "req-0001", 0, 2), claim(DEPLOY, "agent-2", "req-0002", 60));

            assertThat(events.getLast()).isInstanceOfSatisfying(ClaimGranted.class, granted -> {
                assertThat(granted.mode()).isEqualTo(ClaimMode.ONCE);
                assertThat(granted.fencingToken()).isEqualTo(2);
                assertThat(granted.expiresAt()).isNull();
            });
        }

        @Test
        void expiry_check_after_the_expiry_announces_it_once() {
            var events = given(
                    lease(DEPLOY, "agent-1", "req-0001", 0, 30),
                    expireCheck(DEPLOY, 1, 31),
                    expireCheck(DEPLOY, 1, 32));

            assertThat(events)
                    .extracting(event -> event.getClass().getSimpleName())
                    .containsExactly("ClaimGranted", "LeaseExpired");
            assertThat(events.get(1).attemptedAt()).isEqualTo(T0.plusSeconds(31));
        }

        @Test
        void expiry_check_before_the_expiry_announces_nothing() {
            var events = given(lease(DEPLOY, "agent-1", "req-0001", 0, 30), expireCheck(DEPLOY, 1, 29));

            assertThat(events).hasSize(1);
        }

        @Test
        void expiry_check_of_a_renewed_lease_announces_nothing() {
            var events = given(
                    lease(DEPLOY, "agent-1", "req-0001", 0, 30),
                    renew(DEPLOY, "agent-1", 1, "req-0002", 29),
                    expireCheck(DEPLOY, 1, 31));

            assertThat(events)
                    .extracting(event -> event.getClass().getSimpleName())
                    .containsExactly("ClaimGranted", "LeaseRenewed");
        }

        @Test
        void expiry_check_of_an_earlier_holders_token_announces_nothing() {
            var events = given(
                    lease(DEPLOY, "agent-1", "req-0001", 0, 30),
                    lease(DEPLOY, "agent-2", "req-0002", 31, 30),
                    expireCheck(DEPLOY, 1, 62));

            assertThat(events)
                    .extracting(event -> event.getClass().getSimpleName())
                    .containsExactly("ClaimGranted", "LeaseExpired", "ClaimGranted");
        }

        @Test
        void expired_holder_cannot_renew_and_is_told_its_lease_expired() {
            var events =
                    given(lease(DEPLOY, "agent-1", "req-0001", 0, 30), renew(DEPLOY, "agent-1", 1, "req-0002", 31));

            assertThat(events)
                    .extracting(event -> event.getClass().getSimpleName())
                    .containsExactly("ClaimGranted", "LeaseExpired", "RequestRefused");
            assertThat(events.getLast()).isInstanceOfSatisfying(RequestRefused.class, refused -> {
                assertThat(refused.reason()).isEqualTo(RefusalReason.LEASE_EXPIRED);
                assertThat(refused.refused()).isEqualTo(HolderRequest.RENEW);
                assertThat(refused.expiresAt()).isEqualTo(T0.plusSeconds(30));
            });
        }

        @Test
        void expired_holder_cannot_report_an_outcome() {
            var events = given(
                    lease(DEPLOY, "agent-1", "req-0001", 0, 30),
                    expireCheck(DEPLOY, 1, 31),
                    complete(DEPLOY, "agent-1", 1, ClaimOutcome.SUCCEEDED, "req-0002", 40));

            assertThat(events.getLast())
                    .isInstanceOfSatisfying(
                            RequestRefused.class,
                            refused -> assertThat(refused.reason()).isEqualTo(RefusalReason.LEASE_EXPIRED));
        }

        @Test
        void once_claims_never_expire_so_an_expiry_check_announces_nothing() {
            var events = given(claim(DEPLOY, "agent-1", "req-0001", 0), expireCheck(DEPLOY, 1, 1_000_000));

            assertThat(events).hasSize(1);
        }
    }

    @Nested
    class FencingTokens {

        @Test
        void fencing_tokens_strictly_increase_across_holders() {
            var events = given(
                    lease(DEPLOY, "agent-1", "req-0001", 0, 10),
                    lease(DEPLOY, "agent-2", "req-0002", 10, 10),
                    release(DEPLOY, "agent-2", 2, "req-0003", 12),
                    lease(DEPLOY, "agent-3", "req-0004", 13, 10),
                    lease(DEPLOY, "agent-1", "req-0005", 40, 10));

            assertThat(events)
                    .filteredOn(ClaimEvent::wasGranted)
                    .extracting(ClaimEvent::agentId, ClaimEvent::fencingToken)
                    .containsExactly(
                            tuple("agent-1", 1L), tuple("agent-2", 2L), tuple("agent-3", 3L), tuple("agent-1", 4L));
        }

        @Test
        void stale_token_cannot_renew() {
            var events = given(
                    lease(DEPLOY, "agent-1", "req-0001", 0, 10),
                    lease(DEPLOY, "agent-2", "req-0002", 11, 10),
                    renew(DEPLOY, "agent-1", 1, "req-0003", 12));

            assertThat(events.getLast()).isInstanceOfSatisfying(RequestRefused.class, refused -> {
                assertThat(refused.reason()).isEqualTo(RefusalReason.STALE_TOKEN);
                assertThat(refused.fencingToken()).isEqualTo(1);
                assertThat(refused.currentFencingToken()).isEqualTo(2);
                assertThat(refused.heldBy()).isEqualTo("agent-2");
            });
        }

        @Test
        void stale_token_cannot_release_the_new_holders_lease() {
            var events = given(
                    lease(DEPLOY, "agent-1", "req-0001", 0, 10),
                    lease(DEPLOY, "agent-2", "req-0002", 11, 10),
                    release(DEPLOY, "agent-1", 1, "req-0003", 12),
                    lease(DEPLOY, "agent-3", "req-0004", 13, 10));

            assertThat(((RequestRefused) events.get(3)).reason()).isEqualTo(RefusalReason.STALE_TOKEN);
            assertThat(events.getLast()).isInstanceOf(ClaimDenied.class);
        }

        @Test
        void current_token_presented_by_another_agent_is_refused_as_not_holder() {
            var events = given(lease(DEPLOY, "agent-1", "req-0001", 0, 10), renew(DEPLOY, "agent-2", 1, "req-0002", 1));

            assertThat(((RequestRefused) events.getLast()).reason()).isEqualTo(RefusalReason.NOT_HOLDER);
        }

        @Test
        void renewing_a_key_nobody_claimed_is_refused_as_no_active_claim() {
            var events = given(renew(DEPLOY, "agent-1", 1, "req-0001", 0));

            assertThat(events).singleElement().isInstanceOfSatisfying(RequestRefused.class, refused -> {
                assertThat(refused.reason()).isEqualTo(RefusalReason.NO_ACTIVE_CLAIM);
                assertThat(refused.currentFencingToken()).isNull();
                assertThat(refused.sequence()).isEqualTo(1);
            });
        }

        @Test
        void a_once_claim_cannot_be_renewed() {
            var events = given(claim(DEPLOY, "agent-1", "req-0001", 0), renew(DEPLOY, "agent-1", 1, "req-0002", 1));

            assertThat(((RequestRefused) events.getLast()).reason()).isEqualTo(RefusalReason.NOT_A_LEASE);
        }

        @Test
        void a_retried_renewal_is_answered_with_the_original_decision() {
            var events = given(
                    lease(DEPLOY, "agent-1", "req-0001", 0, 10),
                    renew(DEPLOY, "agent-1", 1, "req-0002", 5),
                    renew(DEPLOY, "agent-1", 1, "req-0002", 8));

            assertThat(events.get(2)).isEqualTo(events.get(1).asRedelivery());
        }

        @Test
        void a_retried_lease_grant_is_answered_with_the_original_grant_even_after_renewals() {
            var events = given(
                    lease(DEPLOY, "agent-1", "req-0001", 0, 10),
                    renew(DEPLOY, "agent-1", 1, "req-0002", 5),
                    lease(DEPLOY, "agent-1", "req-0001", 6, 10));

            assertThat(events.getLast()).isEqualTo(events.getFirst().asRedelivery());
        }
    }

    @Nested
    class Completion {

        @Test
        void holder_reports_success_and_every_later_claim_is_denied_with_the_outcome() {
            var events = given(
                    claim(DEPLOY, "agent-1", "req-0001", 0),
                    complete(DEPLOY, "agent-1", 1, ClaimOutcome.SUCCEEDED, "req-0002", 60),
                    claim(DEPLOY, "agent-2", "req-0003", 61));

            assertThat(events.get(1)).isInstanceOfSatisfying(ClaimCompleted.class, completed -> {
                assertThat(completed.outcome()).isEqualTo(ClaimOutcome.SUCCEEDED);
                assertThat(completed.fencingToken()).isEqualTo(1);
            });
            assertThat(events.get(2)).isInstanceOfSatisfying(ClaimDenied.class, denied -> {
                assertThat(denied.heldBy()).isEqualTo("agent-1");
                assertThat(denied.outcome()).isEqualTo(ClaimOutcome.SUCCEEDED);
            });
        }

        @Test
        void after_a_failed_once_claim_nobody_takes_over_by_default() {
            var events = given(
                    claim(DEPLOY, "agent-1", "req-0001", 0),
                    complete(DEPLOY, "agent-1", 1, ClaimOutcome.FAILED, "req-0002", 60),
                    claim(DEPLOY, "agent-2", "req-0003", 61));

            assertThat(events.getLast())
                    .isInstanceOfSatisfying(
                            ClaimDenied.class,
                            denied -> assertThat(denied.outcome()).isEqualTo(ClaimOutcome.FAILED));
        }

        @Test
        void after_a_failed_claim_that_allows_takeover_the_next_claimer_wins_with_the_next_token() {
            var events = given(
                    claim(DEPLOY, "agent-1", "req-0001", 0, ClaimPolicy.ONCE.withTakeoverAfterFailure(true)),
                    complete(DEPLOY, "agent-1", 1, ClaimOutcome.FAILED, "req-0002", 60),
                    claim(DEPLOY, "agent-2", "req-0003", 61));

            assertThat(events.getLast())
                    .isInstanceOfSatisfying(
                            ClaimGranted.class,
                            granted -> assertThat(granted.fencingToken()).isEqualTo(2));
        }

        @Test
        void after_a_successful_claim_takeover_is_never_allowed() {
            var events = given(
                    claim(DEPLOY, "agent-1", "req-0001", 0, ClaimPolicy.ONCE.withTakeoverAfterFailure(true)),
                    complete(DEPLOY, "agent-1", 1, ClaimOutcome.SUCCEEDED, "req-0002", 60),
                    claim(DEPLOY, "agent-2", "req-0003", 61));

            assertThat(events.getLast()).isInstanceOf(ClaimDenied.class);
        }

        @Test
        void completion_by_a_stale_holder_is_refused_and_changes_nothing() {
            var events = given(
                    lease(DEPLOY, "agent-1", "req-0001", 0, 10),
                    lease(DEPLOY, "agent-2", "req-0002", 11, 10),
                    complete(DEPLOY, "agent-1", 1, ClaimOutcome.SUCCEEDED, "req-0003", 12),
                    complete(DEPLOY, "agent-2", 2, ClaimOutcome.FAILED, "req-0004", 13));

            assertThat(((RequestRefused) events.get(3)).reason()).isEqualTo(RefusalReason.STALE_TOKEN);
            assertThat(events.getLast())
                    .isInstanceOfSatisfying(
                            ClaimCompleted.class,
                            completed -> assertThat(completed.outcome()).isEqualTo(ClaimOutcome.FAILED));
        }

        @Test
        void completed_lease_never_expires_and_cannot_be_renewed() {
            var events = given(
                    lease(DEPLOY, "agent-1", "req-0001", 0, 10),
                    complete(DEPLOY, "agent-1", 1, ClaimOutcome.SUCCEEDED, "req-0002", 5),
                    expireCheck(DEPLOY, 1, 20),
                    renew(DEPLOY, "agent-1", 1, "req-0003", 21));

            assertThat(events)
                    .extracting(event -> event.getClass().getSimpleName())
                    .containsExactly("ClaimGranted", "ClaimCompleted", "RequestRefused");
            assertThat(((RequestRefused) events.getLast()).reason()).isEqualTo(RefusalReason.ALREADY_COMPLETED);
        }

        @Test
        void a_retried_completion_is_answered_with_the_original_decision() {
            var events = given(
                    claim(DEPLOY, "agent-1", "req-0001", 0),
                    complete(DEPLOY, "agent-1", 1, ClaimOutcome.SUCCEEDED, "req-0002", 5),
                    complete(DEPLOY, "agent-1", 1, ClaimOutcome.SUCCEEDED, "req-0002", 9));

            assertThat(events.getLast()).isEqualTo(events.get(1).asRedelivery());
        }
    }
}
