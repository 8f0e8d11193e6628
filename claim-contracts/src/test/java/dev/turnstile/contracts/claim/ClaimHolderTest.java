package dev.turnstile.contracts.claim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The claim lifecycle every reader of the decisions folds. */
class ClaimHolderTest {

    private static final String KEY = "hire:e2e:3f9c2ab";
    private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

    private static DecisionHeader header(long sequence, String agent, int secondsAfterT0) {
        return new DecisionHeader(
                1,
                KEY + "#" + sequence,
                sequence,
                "req-" + sequence,
                KEY,
                "hire",
                "e2e",
                "3f9c2ab",
                agent,
                T0.plusSeconds(secondsAfterT0),
                false);
    }

    private static ClaimGranted lease(long sequence, String agent, long token) {
        return new ClaimGranted(header(sequence, agent, 0), ClaimMode.LEASE, token, T0.plusSeconds(30), 30, false);
    }

    @Nested
    class FromTheGrant {

        @Test
        void a_grant_makes_an_active_holder_with_everything_the_grant_says() {
            var holder = ClaimHolder.after(null, lease(1, "agent-1", 1));

            assertThat(holder)
                    .isEqualTo(new ClaimHolder(
                            "agent-1",
                            "req-1",
                            T0,
                            1,
                            ClaimMode.LEASE,
                            1,
                            30,
                            T0.plusSeconds(30),
                            T0.plusSeconds(30),
                            false,
                            ClaimStatus.ACTIVE));
        }

        @Test
        void a_renewal_moves_the_expiry_and_keeps_the_announced_one() {
            var holder = ClaimHolder.after(
                    ClaimHolder.after(null, lease(1, "agent-1", 1)),
                    new LeaseRenewed(header(2, "agent-1", 20), ClaimMode.LEASE, 1, T0.plusSeconds(50), 30));

            assertThat(holder.expiresAt()).isEqualTo(T0.plusSeconds(50));
            assertThat(holder.grantedExpiresAt()).isEqualTo(T0.plusSeconds(30));
            assertThat(holder.status()).isEqualTo(ClaimStatus.ACTIVE);
        }

        @Test
        void release_expiry_and_completion_end_the_claim() {
            var granted = ClaimHolder.after(null, lease(1, "agent-1", 1));

            assertThat(ClaimHolder.after(granted, new LeaseReleased(header(2, "agent-1", 5), ClaimMode.LEASE, 1))
                            .status())
                    .isEqualTo(ClaimStatus.RELEASED);
            assertThat(ClaimHolder.after(
                                    granted,
                                    new LeaseExpired(
                                            header(2, "agent-1", 31), ClaimMode.LEASE, 1, T0.plusSeconds(30), T0))
                            .status())
                    .isEqualTo(ClaimStatus.EXPIRED);
            assertThat(ClaimHolder.after(
                                    granted,
                                    new ClaimCompleted(
                                            header(2, "agent-1", 5), ClaimMode.LEASE, 1, ClaimOutcome.FAILED))
                            .status())
                    .isEqualTo(ClaimStatus.FAILED);
        }

        @Test
        void denials_refusals_and_repeats_change_nothing() {
            var granted = ClaimHolder.after(null, lease(1, "agent-1", 1));

            assertThat(ClaimHolder.after(
                            granted,
                            new ClaimDenied(
                                    header(2, "agent-2", 1),
                                    "agent-1",
                                    T0,
                                    ClaimMode.LEASE,
                                    1,
                                    T0.plusSeconds(30),
                                    null)))
                    .isSameAs(granted);
            assertThat(ClaimHolder.after(
                            granted,
                            new RequestRefused(
                                    header(3, "agent-2", 2),
                                    HolderRequest.RENEW,
                                    RefusalReason.STALE_TOKEN,
                                    ClaimMode.LEASE,
                                    7,
                                    1L,
                                    "agent-1",
                                    null)))
                    .isSameAs(granted);
            assertThat(ClaimHolder.after(granted, lease(1, "agent-1", 1).asRedelivery()))
                    .isSameAs(granted);
        }

        @Test
        void an_event_about_an_older_holder_changes_nothing() {
            var second = ClaimHolder.after(null, lease(5, "agent-2", 2));

            assertThat(ClaimHolder.after(second, new LeaseReleased(header(6, "agent-1", 5), ClaimMode.LEASE, 1)))
                    .isSameAs(second);
        }
    }

    @Nested
    class ForAReaderThatStartedMidLog {

        @Test
        void a_denial_tells_who_holds_the_key_and_whether_it_finished() {
            var holder = ClaimHolder.after(
                    null,
                    new ClaimDenied(
                            header(7, "agent-2", 9), "agent-1", T0, ClaimMode.ONCE, 1, null, ClaimOutcome.SUCCEEDED));

            assertThat(holder.agentId()).isEqualTo("agent-1");
            assertThat(holder.since()).isEqualTo(T0);
            assertThat(holder.status()).isEqualTo(ClaimStatus.SUCCEEDED);
            assertThat(holder.requestId()).isNull();
        }

        @Test
        void a_lease_event_tells_who_held_it_and_how_it_ended() {
            var holder = ClaimHolder.after(
                    null, new LeaseExpired(header(4, "agent-1", 40), ClaimMode.LEASE, 3, T0.plusSeconds(30), T0));

            assertThat(holder.agentId()).isEqualTo("agent-1");
            assertThat(holder.fencingToken()).isEqualTo(3);
            assertThat(holder.status()).isEqualTo(ClaimStatus.EXPIRED);
            assertThat(holder.yieldsToNextClaimer()).isTrue();
        }
    }

    @Nested
    class Rules {

        @Test
        void a_lease_runs_out_exactly_at_its_expiry() {
            var holder = ClaimHolder.after(null, lease(1, "agent-1", 1));

            assertThat(holder.leaseRunOutAt(T0.plusSeconds(30).minusMillis(1))).isFalse();
            assertThat(holder.leaseRunOutAt(T0.plusSeconds(30))).isTrue();
        }

        @Test
        void a_failed_holder_yields_only_when_takeover_was_allowed() {
            var failed =
                    new ClaimHolder("a", "r", T0, 1, ClaimMode.ONCE, 1, null, null, null, false, ClaimStatus.FAILED);
            var failedWithTakeover =
                    new ClaimHolder("a", "r", T0, 1, ClaimMode.ONCE, 1, null, null, null, true, ClaimStatus.FAILED);

            assertThat(failed.yieldsToNextClaimer()).isFalse();
            assertThat(failedWithTakeover.yieldsToNextClaimer()).isTrue();
        }
    }
}
