package dev.turnstile.projections.activity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnstile.contracts.claim.ClaimEvent;
import dev.turnstile.contracts.claim.ClaimHolder;
import dev.turnstile.contracts.claim.ClaimOutcome;
import dev.turnstile.contracts.claim.TaskKey;
import dev.turnstile.projections.query.Lease;
import dev.turnstile.projections.query.LeaseState;
import dev.turnstile.projections.query.Result;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The read model's rules as a pure function of a decision and what the model knows: no store involved. */
class ActivityFoldTest {

    private static final Instant T0 = Instant.parse("2026-11-23T12:00:30Z");
    private static final long T0_MINUTE = T0.toEpochMilli() / 60_000;
    private static final Duration TTL = Duration.ofSeconds(30);
    private static final TaskKey KEY = new TaskKey("hire", "deploy", "3f9c2ab");

    private final Decisions decisions = new Decisions();
    private final Set<String> seen = new HashSet<>();
    private final Map<String, Lease> leases = new HashMap<>();
    private final ActivityFold.Known known = new ActivityFold.Known() {
        @Override
        public boolean seen(String decisionId) {
            return seen.contains(decisionId);
        }

        @Override
        public Lease lease(String taskKey) {
            return leases.get(taskKey);
        }
    };

    /** Folds {@code event} and keeps what it changed, as a model would. */
    private ActivityFold.Change evolve(ClaimEvent event) {
        var change = ActivityFold.evolve(known, event).orElseThrow();
        seen.add(change.decisionId());
        if (change.lease() != null) {
            leases.put(change.lease().after().taskKey(), change.lease().after());
        }
        return change;
    }

    @Nested
    class Claims {

        @Test
        void a_grant_is_listed_in_every_index_and_counted_in_its_project_task_and_minute() {
            var change = evolve(decisions.once(KEY, "a1", 1, T0));

            assertThat(change.listed()).isTrue();
            assertThat(change.indexes())
                    .containsExactly(
                            AttemptIndex.ALL,
                            new AttemptIndex.ByProject("hire"),
                            new AttemptIndex.ByTask("deploy"),
                            new AttemptIndex.ByResult(Result.GRANTED),
                            new AttemptIndex.BySha("3f9c2ab"));
            assertThat(change.tally()).isEqualTo(new ActivityFold.Tally("hire", "deploy", T0_MINUTE, new Counts(1, 0)));
            assertThat(change.lease()).isNull();
        }

        @Test
        void a_denial_is_counted_as_blocked_and_names_the_holder() {
            var grant = decisions.once(KEY, "a1", 1, T0);
            evolve(grant);

            var change = evolve(decisions.deny(grant, "a2", T0.plusSeconds(60)));

            assertThat(change.tally())
                    .isEqualTo(new ActivityFold.Tally("hire", "deploy", T0_MINUTE + 1, new Counts(1, 1)));
            assertThat(change.indexes()).contains(new AttemptIndex.ByResult(Result.BLOCKED));
            assertThat(change.attempt().claimedBy()).isEqualTo("a1");
            assertThat(change.attempt().claimedAt()).isEqualTo(T0);
            assertThat(change.attempt().kind()).isEqualTo("ClaimDenied");
        }

        @Test
        void a_decision_applied_before_changes_nothing() {
            var grant = decisions.once(KEY, "a1", 1, T0);
            evolve(grant);

            assertThat(ActivityFold.evolve(known, grant)).isEmpty();
            assertThat(ActivityFold.evolve(known, Decisions.redelivery(grant))).isEmpty();
        }

        @Test
        void the_sha_is_listed_in_lower_case() {
            var change = evolve(decisions.attempt("hire", "deploy", "AbCdEf1", "a1", T0));

            assertThat(change.attempt().gitSha()).isEqualTo("abcdef1");
            assertThat(change.indexes()).contains(new AttemptIndex.BySha("abcdef1"));
        }
    }

    @Nested
    class DecisionsThatAnswerNoClaim {

        @Test
        void a_renewal_is_neither_listed_nor_counted_but_moves_the_lease() {
            var lease = decisions.lease(KEY, "a1", 1, T0, TTL);
            evolve(lease);

            var change = evolve(decisions.renew(lease, T0.plusSeconds(10)));

            assertThat(change.listed()).isFalse();
            assertThat(change.indexes()).isEmpty();
            assertThat(change.tally()).isNull();
            assertThat(change.lease().after().expiresAt()).isEqualTo(T0.plusSeconds(40));
        }

        @Test
        void releases_expiries_completions_and_refusals_are_listed_without_a_result_and_not_counted() {
            var lease = decisions.lease(KEY, "a1", 1, T0, TTL);
            evolve(lease);

            for (var event : List.of(
                    decisions.refuse(lease, "a2", 7, T0.plusSeconds(1)),
                    decisions.release(lease, T0.plusSeconds(2)),
                    decisions.expire(lease, T0.plusSeconds(31)),
                    decisions.complete(lease, ClaimOutcome.SUCCEEDED, T0.plusSeconds(3)))) {
                var change = evolve(event);

                assertThat(change.listed()).as(change.attempt().kind()).isTrue();
                assertThat(change.attempt().result())
                        .as(change.attempt().kind())
                        .isNull();
                assertThat(change.indexes())
                        .as(change.attempt().kind())
                        .hasSize(4)
                        .noneMatch(index -> index instanceof AttemptIndex.ByResult);
                assertThat(change.tally()).as(change.attempt().kind()).isNull();
            }
        }

        @Test
        void an_expiry_names_the_holder_that_lost_the_lease() {
            var lease = decisions.lease(KEY, "a1", 1, T0, TTL);

            var attempt = evolve(decisions.expire(lease, T0.plusSeconds(31))).attempt();

            assertThat(attempt.agentId()).isEqualTo("a1");
            assertThat(attempt.claimedBy()).isEqualTo("a1");
            assertThat(attempt.claimedAt()).isEqualTo(T0);
        }
    }

    @Nested
    class TheLeaseView {

        @Test
        void follows_the_shared_claim_lifecycle_decision_by_decision() {
            var first = decisions.lease(KEY, "a1", 1, T0, TTL);
            var second = decisions.lease(KEY, "a2", 2, T0.plusSeconds(41), TTL);
            var lifecycle = List.of(
                    first,
                    decisions.renew(first, T0.plusSeconds(10)),
                    decisions.deny(first, "a2", T0.plusSeconds(11)),
                    decisions.refuse(first, "a3", 9, T0.plusSeconds(12)),
                    decisions.expire(first, T0.plusSeconds(41)),
                    second,
                    decisions.renew(first, T0.plusSeconds(42)),
                    decisions.renew(second, T0.plusSeconds(50)),
                    decisions.complete(second, ClaimOutcome.FAILED, T0.plusSeconds(55)));
            ClaimHolder holder = null;
            Lease lease = null;
            var states = new ArrayList<LeaseState>();

            for (var event : lifecycle) {
                holder = ClaimHolder.after(holder, event);
                lease = ActivityFold.leaseAfter(lease, event);

                assertThat(lease.holder()).isEqualTo(holder.agentId());
                assertThat(lease.fencingToken()).isEqualTo(holder.fencingToken());
                assertThat(lease.state()).isEqualTo(LeaseState.of(holder.status()));
                assertThat(lease.grantedAt()).isEqualTo(holder.since());
                assertThat(lease.expiresAt()).isEqualTo(holder.expiresAt());
                assertThat(lease.outcome())
                        .isEqualTo(
                                holder.outcome() == null
                                        ? null
                                        : holder.outcome().wireName());
                states.add(lease.state());
            }
            assertThat(states)
                    .containsExactly(
                            LeaseState.ACTIVE,
                            LeaseState.ACTIVE,
                            LeaseState.ACTIVE,
                            LeaseState.ACTIVE,
                            LeaseState.EXPIRED,
                            LeaseState.ACTIVE,
                            LeaseState.ACTIVE,
                            LeaseState.ACTIVE,
                            LeaseState.COMPLETED);
        }

        @Test
        void once_claims_leave_it_as_it_was() {
            var lease = ActivityFold.leaseAfter(null, decisions.lease(KEY, "a1", 1, T0, TTL));
            var once = decisions.once(KEY, "a2", 2, T0.plusSeconds(40));

            assertThat(ActivityFold.leaseAfter(lease, once)).isSameAs(lease);
            assertThat(ActivityFold.leaseAfter(null, decisions.once(KEY, "a2", 2, T0)))
                    .isNull();
        }

        @Test
        void denials_refusals_and_decisions_about_an_older_holder_change_no_lease() {
            var old = decisions.lease(KEY, "a1", 1, T0, TTL);
            var current = decisions.lease(KEY, "a2", 2, T0.plusSeconds(40), TTL);
            evolve(current);

            assertThat(evolve(decisions.deny(current, "a3", T0.plusSeconds(41))).lease())
                    .isNull();
            assertThat(evolve(decisions.refuse(current, "a3", 1, T0.plusSeconds(42)))
                            .lease())
                    .isNull();
            assertThat(evolve(decisions.release(old, T0.plusSeconds(43))).lease())
                    .isNull();
            assertThat(leases.get(KEY.value()).state()).isEqualTo(LeaseState.ACTIVE);
        }

        @Test
        void a_lease_ends_at_its_expiry_or_when_released_or_completed() {
            var expiring = decisions.lease(KEY, "a1", 1, T0, TTL);
            var released = decisions.lease(new TaskKey("hire", "deploy", "aaaaaaa"), "a1", 1, T0, TTL);
            var completed = decisions.lease(new TaskKey("hire", "deploy", "bbbbbbb"), "a1", 1, T0, TTL);
            for (var grant : List.of(expiring, released, completed)) {
                evolve(grant);
            }

            assertThat(evolve(decisions.expire(expiring, T0.plusSeconds(45)))
                            .lease()
                            .after()
                            .endedAt())
                    .isEqualTo(T0.plusSeconds(30));
            assertThat(evolve(decisions.release(released, T0.plusSeconds(5)))
                            .lease()
                            .after()
                            .endedAt())
                    .isEqualTo(T0.plusSeconds(5));
            assertThat(evolve(decisions.complete(completed, ClaimOutcome.SUCCEEDED, T0.plusSeconds(6)))
                            .lease()
                            .after())
                    .satisfies(lease -> {
                        assertThat(lease.endedAt()).isEqualTo(T0.plusSeconds(6));
                        assertThat(lease.state()).isEqualTo(LeaseState.COMPLETED);
                        assertThat(lease.outcome()).isEqualTo("succeeded");
                    });
        }

        @Test
        void a_holder_learned_mid_log_is_shown_from_what_the_decision_says() {
            var unseen = decisions.lease(KEY, "a1", 4, T0, TTL);

            var fromDenial = ActivityFold.leaseAfter(null, decisions.deny(unseen, "a2", T0.plusSeconds(5)));
            var fromExpiry = ActivityFold.leaseAfter(null, decisions.expire(unseen, T0.plusSeconds(31)));
            var fromRelease = ActivityFold.leaseAfter(null, decisions.release(unseen, T0.plusSeconds(7)));

            assertThat(fromDenial)
                    .extracting(Lease::holder, Lease::fencingToken, Lease::state, Lease::grantedAt)
                    .containsExactly("a1", 4L, LeaseState.ACTIVE, T0);
            assertThat(fromExpiry)
                    .extracting(Lease::state, Lease::grantedAt, Lease::endedAt)
                    .containsExactly(LeaseState.EXPIRED, T0, T0.plusSeconds(30));
            // A release does not say when the lease was granted: the release stands in for it.
            assertThat(fromRelease)
                    .extracting(Lease::state, Lease::grantedAt, Lease::endedAt)
                    .containsExactly(LeaseState.RELEASED, T0.plusSeconds(7), T0.plusSeconds(7));
        }
    }
}
