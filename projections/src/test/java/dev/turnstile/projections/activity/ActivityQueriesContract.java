package dev.turnstile.projections.activity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.turnstile.contracts.claim.ClaimEvent;
import dev.turnstile.contracts.claim.ClaimOutcome;
import dev.turnstile.contracts.claim.DecisionType;
import dev.turnstile.contracts.claim.TaskKey;
import dev.turnstile.projections.query.ActivityQueries;
import dev.turnstile.projections.query.Attempt;
import dev.turnstile.projections.query.AttemptFilter;
import dev.turnstile.projections.query.AttemptPage;
import dev.turnstile.projections.query.Breakdown;
import dev.turnstile.projections.query.InvalidQueryException;
import dev.turnstile.projections.query.Lease;
import dev.turnstile.projections.query.LeaseState;
import dev.turnstile.projections.query.Result;
import dev.turnstile.projections.query.TimelineBucket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The rules of {@link ActivityQueries}, as sentences. Run against the RocksDB read model and against the in-memory
 * model the dashboard's tests use, so the two cannot answer differently.
 */
abstract class ActivityQueriesContract {

    static final Instant NOW = Instant.parse("2026-11-23T12:00:30Z");
    private static final Duration TTL = Duration.ofSeconds(30);

    final SettableClock clock = new SettableClock(NOW);
    final Decisions decisions = new Decisions();
    ActivityQueries queries;

    /** An empty model that reads the time from {@code clock}. */
    abstract ActivityQueries open(Clock clock);

    /** Applies {@code events} in order, as one batch read from the decisions topic. */
    abstract void apply(List<? extends ClaimEvent> events);

    @BeforeEach
    final void openTheModel() {
        queries = open(clock);
    }

    private void apply(ClaimEvent... events) {
        apply(List.of(events));
    }

    private ClaimEvent attempt(String project, String task, String sha, String agent, Instant at) {
        return decisions.attempt(project, task, sha, agent, at);
    }

    private static List<String> ids(AttemptPage page) {
        return page.items().stream().map(Attempt::decisionId).toList();
    }

    @Nested
    class Counting {

        @Test
        void every_claim_is_counted_and_the_denied_ones_as_duplicates_blocked() {
            apply(
                    attempt("hire", "deploy", "aaaaaaa", "a1", NOW.minusSeconds(10)),
                    attempt("hire", "deploy", "aaaaaaa", "a2", NOW.minusSeconds(9)),
                    attempt("hire", "deploy", "aaaaaaa", "a3", NOW.minusSeconds(8)),
                    attempt("web", "build", "bbbbbbb", "a1", NOW.minusSeconds(7)));

            var stats = queries.stats();

            assertThat(stats.totalAttempts()).isEqualTo(4);
            assertThat(stats.duplicatesBlocked()).isEqualTo(2);
            assertThat(stats.blockRatePercent()).isEqualTo(50.0);
            assertThat(stats.activeProjects()).isEqualTo(2);
        }

        @Test
        void an_empty_model_counts_zero_and_has_a_zero_block_rate() {
            var stats = queries.stats();

            assertThat(stats.totalAttempts()).isZero();
            assertThat(stats.attemptsLast24h()).isZero();
            assertThat(stats.blockRatePercent()).isZero();
            assertThat(stats.byProject()).isEmpty();
            assertThat(stats.byTask()).isEmpty();
            assertThat(queries.recentAttempts(null, null, 10).items()).isEmpty();
        }

        @Test
        void stats_are_as_of_the_models_clock() {
            clock.set(Instant.parse("2030-01-01T00:00:00Z"));

            assertThat(queries.stats().asOf()).isEqualTo(Instant.parse("2030-01-01T00:00:00Z"));
        }

        @Test
        void lease_events_are_listed_but_not_counted_and_heartbeats_are_not_listed() {
            var key = new TaskKey("hire", "deploy", "eeeeeee");
            var lease = decisions.lease(key, "a1", 1, NOW, TTL);
            apply(
                    lease,
                    decisions.deny(lease, "a2", NOW.plusSeconds(1)),
                    decisions.renew(lease, NOW.plusSeconds(10)),
                    decisions.refuse(lease, "a3", 1, NOW.plusSeconds(11)),
                    decisions.release(lease, NOW.plusSeconds(12)));

            var stats = queries.stats();
            assertThat(stats.totalAttempts()).isEqualTo(2);
            assertThat(stats.duplicatesBlocked()).isEqualTo(1);
            assertThat(stats.attemptsLast24h()).isEqualTo(2);
            var listed = queries.recentAttempts(AttemptFilter.none(), null, 50).items();
            assertThat(listed)
                    .extracting(Attempt::kind)
                    .containsExactly("LeaseReleased", "RequestRefused", "ClaimDenied", "ClaimGranted");
            assertThat(listed.getFirst().result()).isNull();
        }
    }

    @Nested
    class TheLast24Hours {

        @Test
        void are_the_1440_minutes_up_to_and_including_the_current_one() {
            var nowMinute = Instant.parse("2026-11-23T12:00:00Z");
            apply(
                    attempt("p", "t", "aaaaaaa", "too-old", nowMinute.minus(Duration.ofHours(24))),
                    attempt(
                            "p",
                            "t",
                            "aaaaaaa",
                            "oldest-counted",
                            nowMinute.minus(Duration.ofHours(24)).plusSeconds(60)),
                    attempt("p", "t", "aaaaaaa", "recent", NOW.minusSeconds(1)),
                    attempt("p", "t", "bbbbbbb", "future", NOW.plusSeconds(60)));

            var stats = queries.stats();

            assertThat(stats.totalAttempts()).isEqualTo(4);
            assertThat(stats.attemptsLast24h()).isEqualTo(2);
            assertThat(stats.duplicatesBlockedLast24h()).isEqualTo(2);
        }

        @Test
        void attempts_leave_the_window_as_the_clock_moves_on() {
            apply(
                    attempt("p", "t", "aaaaaaa", "a1", NOW.minus(Duration.ofHours(23))),
                    attempt("p", "t", "aaaaaaa", "a2", NOW.minus(Duration.ofHours(1))));
            assertThat(queries.stats().attemptsLast24h()).isEqualTo(2);

            clock.advance(Duration.ofHours(1).plusMinutes(1));
            assertThat(queries.stats().attemptsLast24h()).isEqualTo(1);
            assertThat(queries.stats().duplicatesBlockedLast24h()).isEqualTo(1);

            clock.advance(Duration.ofHours(23));
            assertThat(queries.stats().attemptsLast24h()).isZero();
            assertThat(queries.stats().totalAttempts()).isEqualTo(2);
        }
    }

    @Nested
    class Breakdowns {

        @Test
        void are_sorted_by_total_descending_then_by_label() {
            apply(
                    attempt("zeta", "deploy", "aaaaaaa", "a1", NOW),
                    attempt("zeta", "deploy", "aaaaaaa", "a2", NOW),
                    attempt("alpha", "lint", "aaaaaaa", "a1", NOW),
                    attempt("beta", "test", "aaaaaaa", "a1", NOW),
                    attempt("beta", "test", "aaaaaaa", "a2", NOW),
                    attempt("beta", "test", "aaaaaaa", "a3", NOW),
                    attempt("gamma", "deploy", "aaaaaaa", "a1", NOW));

            var stats = queries.stats();

            assertThat(stats.byProject())
                    .containsExactly(
                            new Breakdown("beta", 3, 2),
                            new Breakdown("zeta", 2, 1),
                            new Breakdown("alpha", 1, 0),
                            new Breakdown("gamma", 1, 0));
            assertThat(stats.byTask())
                    .containsExactly(
                            new Breakdown("deploy", 3, 1), new Breakdown("test", 3, 2), new Breakdown("lint", 1, 0));
        }
    }

    @Nested
    class Idempotence {

        @Test
        void the_same_decisions_applied_twice_are_counted_and_listed_once() {
            var events = List.of(
                    attempt("hire", "deploy", "aaaaaaa", "a1", NOW),
                    attempt("hire", "deploy", "aaaaaaa", "a2", NOW.plusMillis(1)));
            apply(events);
            var before = queries.stats();

            apply(events);

            assertThat(queries.stats()).isEqualTo(before);
            assertThat(queries.recentAttempts(null, null, 0).items()).hasSize(2);
        }

        @Test
        void a_redelivered_decision_is_not_counted_again() {
            var granted = attempt("hire", "deploy", "aaaaaaa", "a1", NOW);
            var denied = attempt("hire", "deploy", "aaaaaaa", "a2", NOW);
            apply(granted, denied);

            apply(Decisions.redelivery(granted), Decisions.redelivery(denied), Decisions.redelivery(denied));

            assertThat(queries.stats().totalAttempts()).isEqualTo(2);
            assertThat(queries.stats().duplicatesBlocked()).isEqualTo(1);
            assertThat(queries.stats().attemptsLast24h()).isEqualTo(2);
        }

        @Test
        void a_decision_repeated_within_one_batch_is_counted_once() {
            var granted = attempt("hire", "deploy", "aaaaaaa", "a1", NOW);

            apply(granted, granted, Decisions.redelivery(granted));

            assertThat(queries.stats().totalAttempts()).isEqualTo(1);
            assertThat(queries.stats().byTask()).containsExactly(new Breakdown("deploy", 1, 0));
            var hour = Instant.parse("2026-11-23T12:00:00Z");
            assertThat(queries.timeline(hour, hour.plus(Duration.ofHours(1)), Duration.ofHours(1)))
                    .extracting(TimelineBucket::attempts)
                    .containsExactly(1L);
        }

        @Test
        void replaying_lease_decisions_changes_no_lease() {
            var key = new TaskKey("hire", "deploy", "fffffff");
            var lease = decisions.lease(key, "a1", 1, NOW, TTL);
            var events = List.of(
                    lease, decisions.renew(lease, NOW.plusSeconds(5)), decisions.release(lease, NOW.plusSeconds(6)));
            apply(events);
            var before = queries.leases(LeaseState.RELEASED, 10);

            apply(events);

            assertThat(queries.leases(LeaseState.RELEASED, 10))
                    .isEqualTo(before)
                    .hasSize(1);
            assertThat(queries.leases(LeaseState.ACTIVE, 10)).isEmpty();
        }
    }

    @Nested
    class RecentAttempts {

        @Test
        void are_listed_newest_first_with_every_field() {
            var first = Instant.parse("2026-11-23T10:00:00Z");
            apply(
                    attempt("hire", "deploy", "AbCdEf1", "a1", first),
                    attempt("hire", "deploy", "AbCdEf1", "a2", first.plusSeconds(5)));

            var items = queries.recentAttempts(AttemptFilter.none(), null, 10).items();

            assertThat(items)
                    .containsExactly(
                            new Attempt(
                                    "hire:deploy:AbCdEf1#2",
                                    "hire:deploy:AbCdEf1",
                                    "hire",
                                    "deploy",
                                    "abcdef1",
                                    "a2",
                                    items.get(0).requestId(),
                                    first.plusSeconds(5),
                                    false,
                                    "a1",
                                    first,
                                    "ClaimDenied"),
                            new Attempt(
                                    "hire:deploy:AbCdEf1#1",
                                    "hire:deploy:AbCdEf1",
                                    "hire",
                                    "deploy",
                                    "abcdef1",
                                    "a1",
                                    items.get(1).requestId(),
                                    first,
                                    true,
                                    null,
                                    null,
                                    "ClaimGranted"));
            assertThat(items)
                    .allSatisfy(attempt -> assertThat(attempt.requestId()).startsWith("req-"));
        }

        @Test
        void attempts_made_at_the_same_instant_are_ordered_by_decision_id() {
            apply(
                    attempt("p", "t", "bbbbbbb", "a1", NOW),
                    attempt("p", "t", "aaaaaaa", "a1", NOW),
                    attempt("p", "t", "ccccccc", "a1", NOW));

            assertThat(ids(queries.recentAttempts(null, null, 10)))
                    .containsExactly("p:t:aaaaaaa#1", "p:t:bbbbbbb#1", "p:t:ccccccc#1");
        }

        @Test
        void pages_follow_each_other_without_gaps_or_repeats_and_the_last_has_no_cursor() {
            var all = appliedAttempts(7);

            var first = queries.recentAttempts(null, null, 3);
            var second = queries.recentAttempts(null, first.nextCursor(), 3);
            var third = queries.recentAttempts(null, second.nextCursor(), 3);

            assertThat(ids(first)).containsExactlyElementsOf(all.subList(0, 3));
            assertThat(ids(second)).containsExactlyElementsOf(all.subList(3, 6));
            assertThat(ids(third)).containsExactlyElementsOf(all.subList(6, 7));
            assertThat(first.nextCursor()).isNotNull();
            assertThat(third.nextCursor()).isNull();
        }

        @Test
        void a_page_that_ends_exactly_at_the_last_attempt_has_no_cursor() {
            appliedAttempts(6);

            var second = queries.recentAttempts(
                    null, queries.recentAttempts(null, null, 3).nextCursor(), 3);

            assertThat(second.items()).hasSize(3);
            assertThat(second.nextCursor()).isNull();
        }

        @Test
        void a_cursor_stays_valid_when_newer_attempts_arrive() {
            var all = appliedAttempts(6);
            var first = queries.recentAttempts(null, null, 3);

            apply(attempt("late", "deploy", "fffffff", "a9", NOW.plusSeconds(3600)));
            var second = queries.recentAttempts(null, first.nextCursor(), 3);

            assertThat(ids(second)).containsExactlyElementsOf(all.subList(3, 6));
            assertThat(queries.recentAttempts(null, null, 1).items().getFirst().project())
                    .isEqualTo("late");
        }

        @Test
        void the_page_size_defaults_to_50_and_is_at_most_100() {
            appliedAttempts(120);

            assertThat(queries.recentAttempts(null, null, 0).items()).hasSize(50);
            assertThat(queries.recentAttempts(null, null, -5).items()).hasSize(50);
            assertThat(queries.recentAttempts(null, null, 1000).items()).hasSize(100);
        }

        @Test
        void a_cursor_that_this_api_did_not_make_is_rejected_naming_the_cursor() {
            assertThatThrownBy(() -> queries.recentAttempts(null, "not a cursor!", 10))
                    .isInstanceOfSatisfying(
                            InvalidQueryException.class,
                            e -> assertThat(e.field()).isEqualTo("cursor"))
                    .hasMessageStartingWith("cursor ");
            assertThatThrownBy(() -> queries.recentAttempts(null, "AQ", 10))
                    .isInstanceOf(InvalidQueryException.class)
                    .hasMessageStartingWith("cursor ");
        }

        /** Applies {@code count} attempts one second apart; returns their ids newest first. */
        private List<String> appliedAttempts(int count) {
            var events = new ArrayList<ClaimEvent>();
            for (int i = 0; i < count; i++) {
                events.add(attempt("p" + (i % 3), "t", "a" + String.format("%06d", i), "agent", NOW.plusSeconds(i)));
            }
            apply(events);
            return events.reversed().stream().map(ClaimEvent::decisionId).toList();
        }
    }

    @Nested
    class Filters {

        private List<ClaimEvent> events;

        @BeforeEach
        void applyAMixedStream() {
            events = new ArrayList<>();
            int second = 0;
            for (var project : List.of("hire", "web", "api")) {
                for (var task : List.of("deploy", "build")) {
                    for (var sha : List.of("abc1234", "abd9999", "fff0000")) {
                        for (var agent : List.of("a1", "a2")) {
                            events.add(attempt(project, task, sha, agent, NOW.minusSeconds(1000 - second++)));
                        }
                    }
                }
            }
            // Lease decisions too: a grant is a claim, its release is listed with no result.
            var lease = decisions.lease(new TaskKey("web", "e2e", "abc1234"), "a3", 1, NOW.minusSeconds(5), TTL);
            events.add(lease);
            events.add(decisions.release(lease, NOW.minusSeconds(4)));
            apply(events);
        }

        @Test
        void a_project_filter_keeps_that_project() {
            assertFiltered(
                    new AttemptFilter("web", null, null, null), e -> e.project().equals("web"));
        }

        @Test
        void a_task_filter_keeps_that_task() {
            assertFiltered(
                    new AttemptFilter(null, "build", null, null), e -> e.task().equals("build"));
        }

        @Test
        void a_result_filter_keeps_claims_granted_or_blocked_and_no_other_decision() {
            assertFiltered(
                    new AttemptFilter(null, null, Result.BLOCKED, null),
                    e -> DecisionType.of(e).isClaim() && !e.wasGranted());
            assertFiltered(new AttemptFilter(null, null, Result.GRANTED, null), ClaimEvent::wasGranted);
        }

        @Test
        void a_sha_prefix_keeps_the_shas_it_starts_ignoring_case() {
            assertFiltered(
                    new AttemptFilter(null, null, null, "ABC"), e -> e.gitSha().equals("abc1234"));
            assertFiltered(
                    new AttemptFilter(null, null, null, "ab"), e -> e.gitSha().startsWith("ab"));
        }

        @Test
        void combined_filters_must_all_match() {
            assertFiltered(
                    new AttemptFilter("hire", "deploy", Result.BLOCKED, "ab"),
                    e -> e.project().equals("hire")
                            && e.task().equals("deploy")
                            && !e.wasGranted()
                            && e.gitSha().startsWith("ab"));
            assertFiltered(
                    new AttemptFilter("api", null, Result.GRANTED, "fff0000"),
                    e -> e.project().equals("api")
                            && e.wasGranted()
                            && e.gitSha().equals("fff0000"));
            assertFiltered(
                    new AttemptFilter("web", "deploy", null, "abc"),
                    e -> e.project().equals("web")
                            && e.task().equals("deploy")
                            && e.gitSha().equals("abc1234"));
        }

        @Test
        void filters_that_match_nothing_give_an_empty_last_page() {
            var page = queries.recentAttempts(new AttemptFilter("nobody", null, null, null), null, 10);

            assertThat(page.items()).isEmpty();
            assertThat(page.nextCursor()).isNull();
            assertThat(queries.recentAttempts(new AttemptFilter(null, null, null, "0123"), null, 10)
                            .items())
                    .isEmpty();
            assertThat(queries.recentAttempts(new AttemptFilter("hire", "nothing", null, null), null, 10)
                            .items())
                    .isEmpty();
        }

        @Test
        void blank_filter_fields_do_not_filter() {
            var filter = new AttemptFilter(" ", "", null, "  ");

            assertThat(filter.isEmpty()).isTrue();
            assertThat(queries.recentAttempts(filter, null, 100).items()).hasSize(events.size());
        }

        /** Pages through {@code filter} two at a time and compares with the stream filtered by hand. */
        private void assertFiltered(AttemptFilter filter, Predicate<ClaimEvent> expected) {
            var wanted = events.reversed().stream()
                    .filter(expected)
                    .map(ClaimEvent::decisionId)
                    .toList();
            var seen = new ArrayList<String>();
            String cursor = null;
            do {
                var page = queries.recentAttempts(filter, cursor, 2);
                seen.addAll(ids(page));
                cursor = page.nextCursor();
            } while (cursor != null);
            assertThat(wanted).isNotEmpty();
            assertThat(seen).containsExactlyElementsOf(wanted);
        }
    }

    @Nested
    class AttemptsForSha {

        @Test
        void lists_every_attempt_for_the_sha_across_projects_and_tasks_newest_first() {
            var a = attempt("hire", "deploy", "abc1234", "a1", NOW.minusSeconds(3));
            var b = attempt("web", "build", "abc1234", "a1", NOW.minusSeconds(2));
            var c = attempt("web", "build", "abc1234", "a2", NOW.minusSeconds(1));
            apply(a, b, c, attempt("web", "build", "abc12345", "a1", NOW));

            assertThat(queries.attemptsForSha("ABC1234"))
                    .extracting(Attempt::decisionId)
                    .containsExactly(c.decisionId(), b.decisionId(), a.decisionId());
        }

        @Test
        void a_prefix_of_exactly_one_sha_is_enough_and_an_unknown_sha_has_no_attempts() {
            apply(attempt("hire", "deploy", "abc1234", "a1", NOW), attempt("hire", "deploy", "abd0000", "a1", NOW));

            assertThat(queries.attemptsForSha("abc"))
                    .extracting(Attempt::gitSha)
                    .containsExactly("abc1234");
            assertThat(queries.attemptsForSha("0000000")).isEmpty();
        }

        @Test
        void an_ambiguous_prefix_is_rejected_naming_git_sha_and_some_candidates() {
            var events = new ArrayList<ClaimEvent>();
            for (int i = 0; i < 7; i++) {
                events.add(attempt("hire", "deploy", "ab" + i + "0000", "a1", NOW));
            }
            apply(events);

            assertThatThrownBy(() -> queries.attemptsForSha("ab"))
                    .isInstanceOfSatisfying(InvalidQueryException.class, e -> {
                        assertThat(e.field()).isEqualTo("gitSha");
                        assertThat(e.rule()).isEqualTo("ambiguous");
                    })
                    .hasMessageContaining("ab00000, ab10000, ab20000, ab30000, ab40000, …")
                    .hasMessageNotContaining("ab50000");
        }

        @Test
        void a_blank_sha_is_rejected_naming_git_sha() {
            assertThatThrownBy(() -> queries.attemptsForSha(" "))
                    .isInstanceOfSatisfying(
                            InvalidQueryException.class,
                            e -> assertThat(e.field()).isEqualTo("gitSha"));
        }
    }

    @Nested
    class Timeline {

        @Test
        void counts_attempts_and_blocks_per_bucket_including_empty_buckets() {
            var hour = Instant.parse("2026-11-23T09:00:00Z");
            var lease = decisions.lease(new TaskKey("p", "t", "ccccccc"), "a1", 1, hour.plusSeconds(20), TTL);
            apply(
                    attempt("p", "t", "aaaaaaa", "a1", hour.plusSeconds(10)),
                    attempt("p", "t", "aaaaaaa", "a2", hour.plusSeconds(1800)),
                    attempt(
                            "p",
                            "t",
                            "bbbbbbb",
                            "a1",
                            hour.plus(Duration.ofHours(2)).plusSeconds(59)),
                    lease,
                    decisions.release(lease, hour.plusSeconds(30)));

            var timeline = queries.timeline(hour.plusSeconds(600), hour.plus(Duration.ofHours(3)), Duration.ofHours(1));

            assertThat(timeline)
                    .containsExactly(
                            new TimelineBucket(hour, 3, 1),
                            new TimelineBucket(hour.plus(Duration.ofHours(1)), 0, 0),
                            new TimelineBucket(hour.plus(Duration.ofHours(2)), 1, 0));
        }

        @Test
        void a_filtered_timeline_counts_the_claims_the_filter_keeps_as_the_list_shows_them() {
            var hour = Instant.parse("2026-11-23T09:00:00Z");
            var events = new ArrayList<ClaimEvent>();
            int step = 0;
            for (var project : List.of("hire", "web")) {
                for (var task : List.of("deploy", "build")) {
                    for (var sha : List.of("abc1234", "fff0000")) {
                        for (var agent : List.of("a1", "a2")) {
                            events.add(attempt(project, task, sha, agent, hour.plus(Duration.ofMinutes(7L * step++))));
                        }
                    }
                }
            }
            var lease = decisions.lease(new TaskKey("web", "e2e", "abc1234"), "a3", 1, hour.plusSeconds(20), TTL);
            events.add(lease);
            events.add(decisions.release(lease, hour.plusSeconds(30)));
            apply(events);
            var to = hour.plus(Duration.ofHours(4));

            for (var filter : List.of(
                    AttemptFilter.none(),
                    new AttemptFilter("web", null, null, null),
                    new AttemptFilter(null, "build", null, null),
                    new AttemptFilter(null, null, Result.BLOCKED, null),
                    new AttemptFilter("hire", null, Result.GRANTED, null),
                    new AttemptFilter(null, "deploy", Result.BLOCKED, null),
                    new AttemptFilter("web", "deploy", null, null),
                    new AttemptFilter(null, null, null, "ABC"),
                    new AttemptFilter("hire", null, Result.BLOCKED, "fff"),
                    new AttemptFilter("nobody", null, null, null))) {
                var expected = new ArrayList<TimelineBucket>();
                for (int h = 0; h < 4; h++) {
                    var start = hour.plus(Duration.ofHours(h));
                    var inHour = queries.recentAttempts(filter, null, 100).items().stream()
                            .filter(Attempt::isClaim)
                            .filter(a -> !a.attemptedAt().isBefore(start)
                                    && a.attemptedAt().isBefore(start.plus(Duration.ofHours(1))))
                            .toList();
                    expected.add(new TimelineBucket(
                            start,
                            inHour.size(),
                            inHour.stream().filter(a -> !a.wasGranted()).count()));
                }
                assertThat(queries.timeline(hour, to, Duration.ofHours(1), filter))
                        .as("timeline of %s", filter)
                        .containsExactlyElementsOf(expected);
            }
            assertThat(queries.timeline(hour, to, Duration.ofHours(1), new AttemptFilter("web", null, null, null)))
                    .extracting(TimelineBucket::attempts)
                    .containsExactly(2L, 7L, 0L, 0L);
        }

        @Test
        void rejects_a_range_that_does_not_move_forward_naming_from() {
            assertThatThrownBy(() -> queries.timeline(NOW, NOW, Duration.ofHours(1)))
                    .isInstanceOfSatisfying(
                            InvalidQueryException.class,
                            e -> assertThat(e.field()).isEqualTo("from"))
                    .hasMessageContaining("from must be before to");
        }

        @Test
        void rejects_a_bucket_that_is_not_whole_minutes_naming_the_bucket() {
            assertThatThrownBy(() -> queries.timeline(NOW.minusSeconds(60), NOW, Duration.ofSeconds(30)))
                    .isInstanceOfSatisfying(
                            InvalidQueryException.class,
                            e -> assertThat(e.field()).isEqualTo("bucket"))
                    .hasMessageContaining("whole number of minutes");
        }

        @Test
        void rejects_more_than_10000_buckets_naming_the_bucket() {
            assertThatThrownBy(() -> queries.timeline(Instant.EPOCH, NOW, Duration.ofMinutes(1)))
                    .isInstanceOfSatisfying(
                            InvalidQueryException.class,
                            e -> assertThat(e.field()).isEqualTo("bucket"))
                    .hasMessageContaining("at most 10000");
        }
    }

    @Nested
    class LeasesByState {

        private final TaskKey key = new TaskKey("hire", "deploy", "aaaaaaa");

        @Test
        void a_granted_lease_is_active_until_its_holder_releases_it() {
            var lease = decisions.lease(key, "a1", 1, NOW, TTL);
            apply(lease, decisions.renew(lease, NOW.plusSeconds(5)));

            assertThat(queries.leases(LeaseState.ACTIVE, 10)).singleElement().satisfies(active -> {
                assertThat(active.holder()).isEqualTo("a1");
                assertThat(active.fencingToken()).isEqualTo(1);
                assertThat(active.grantedAt()).isEqualTo(NOW);
                assertThat(active.expiresAt()).isEqualTo(NOW.plusSeconds(35));
                assertThat(active.endedAt()).isNull();
            });

            apply(decisions.release(lease, NOW.plusSeconds(8)));

            assertThat(queries.leases(LeaseState.ACTIVE, 10)).isEmpty();
            assertThat(queries.leases(LeaseState.RELEASED, 10))
                    .singleElement()
                    .satisfies(released -> assertThat(released.endedAt()).isEqualTo(NOW.plusSeconds(8)));
        }

        @Test
        void a_lease_that_runs_out_stays_expired_at_its_expiry_until_someone_claims_it() {
            var lease = decisions.lease(key, "a1", 1, NOW, TTL);
            apply(lease, decisions.expire(lease, NOW.plusSeconds(31)));

            assertThat(queries.leases(LeaseState.EXPIRED, 10)).singleElement().satisfies(expired -> {
                assertThat(expired.holder()).isEqualTo("a1");
                assertThat(expired.endedAt()).isEqualTo(NOW.plusSeconds(30));
            });
        }

        @Test
        void an_expired_lease_taken_over_shows_the_new_holder_with_a_larger_token() {
            var first = decisions.lease(key, "a1", 1, NOW, TTL);
            apply(
                    first,
                    decisions.expire(first, NOW.plusSeconds(31)),
                    decisions.lease(key, "a2", 2, NOW.plusSeconds(31), TTL));

            assertThat(queries.leases(LeaseState.EXPIRED, 10)).isEmpty();
            assertThat(queries.leases(LeaseState.ACTIVE, 10)).singleElement().satisfies(active -> {
                assertThat(active.holder()).isEqualTo("a2");
                assertThat(active.fencingToken()).isEqualTo(2);
            });
        }

        @Test
        void completed_means_succeeded_or_failed_and_carries_the_outcome() {
            var succeeded = decisions.lease(key, "a1", 1, NOW, TTL);
            var failed = decisions.lease(new TaskKey("hire", "deploy", "bbbbbbb"), "a2", 1, NOW.plusSeconds(1), TTL);
            apply(
                    succeeded,
                    failed,
                    decisions.complete(succeeded, ClaimOutcome.SUCCEEDED, NOW.plusSeconds(9)),
                    decisions.complete(failed, ClaimOutcome.FAILED, NOW.plusSeconds(10)));

            assertThat(queries.leases(LeaseState.COMPLETED, 10))
                    .extracting(Lease::holder, Lease::outcome, Lease::endedAt)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple("a2", "failed", NOW.plusSeconds(10)),
                            org.assertj.core.groups.Tuple.tuple("a1", "succeeded", NOW.plusSeconds(9)));
        }

        @Test
        void events_of_a_stale_holder_change_nothing() {
            var stale = decisions.lease(key, "old-holder", 2, NOW.minusSeconds(60), TTL);
            var current = decisions.lease(key, "a1", 3, NOW, TTL);
            apply(
                    current,
                    decisions.renew(stale, NOW.plusSeconds(1)),
                    decisions.release(stale, NOW.plusSeconds(2)),
                    decisions.complete(current, ClaimOutcome.FAILED, NOW.plusSeconds(9)));

            assertThat(queries.leases(LeaseState.COMPLETED, 10)).singleElement().satisfies(completed -> {
                assertThat(completed.holder()).isEqualTo("a1");
                assertThat(completed.outcome()).isEqualTo("failed");
                assertThat(completed.expiresAt()).isEqualTo(NOW.plusSeconds(30));
            });
            assertThat(queries.leases(LeaseState.RELEASED, 10)).isEmpty();
        }

        @Test
        void once_claims_have_no_lease_and_leave_the_last_lease_as_it_ended() {
            var lease = decisions.lease(key, "a1", 1, NOW, TTL);
            apply(
                    attempt("hire", "deploy", "bbbbbbb", "a9", NOW),
                    lease,
                    decisions.expire(lease, NOW.plusSeconds(31)),
                    decisions.once(key, "a2", 2, NOW.plusSeconds(31)));

            assertThat(queries.leases(LeaseState.ACTIVE, 10)).isEmpty();
            assertThat(queries.leases(LeaseState.EXPIRED, 10))
                    .extracting(Lease::holder)
                    .containsExactly("a1");
        }

        @Test
        void leases_are_listed_most_recently_granted_first_and_limited() {
            apply(
                    decisions.lease(new TaskKey("p", "t", "1111111"), "a1", 1, NOW, TTL),
                    decisions.lease(new TaskKey("p", "t", "2222222"), "a2", 1, NOW.plusSeconds(1), TTL),
                    decisions.lease(new TaskKey("p", "t", "3333333"), "a3", 1, NOW.plusSeconds(2), TTL));

            assertThat(queries.leases(LeaseState.ACTIVE, 2))
                    .extracting(Lease::holder)
                    .containsExactly("a3", "a2");
            assertThat(queries.leases(LeaseState.ACTIVE, 0)).hasSize(3);
        }

        @Test
        void a_state_must_be_given() {
            assertThatThrownBy(() -> queries.leases(null, 10))
                    .isInstanceOfSatisfying(
                            InvalidQueryException.class,
                            e -> assertThat(e.field()).isEqualTo("state"));
        }
    }

    @Nested
    class Subscriptions {

        @Test
        void listeners_hear_each_new_listed_attempt_once_and_a_failing_listener_breaks_nothing() {
            var heard = new CopyOnWriteArrayList<String>();
            var lease = decisions.lease(new TaskKey("p", "t", "bbbbbbb"), "a4", 1, NOW, TTL);
            try (var failing = queries.subscribe(attempt -> {
                        throw new IllegalStateException("listener bug");
                    });
                    var recording = queries.subscribe(attempt -> heard.add(attempt.kind() + " " + attempt.agentId()))) {
                var granted = attempt("p", "t", "aaaaaaa", "a1", NOW);
                apply(granted, attempt("p", "t", "aaaaaaa", "a2", NOW));
                apply(Decisions.redelivery(granted), lease, decisions.renew(lease, NOW.plusSeconds(5)));
            }
            apply(attempt("p", "t", "aaaaaaa", "a3", NOW));

            assertThat(heard).containsExactly("ClaimGranted a1", "ClaimDenied a2", "ClaimGranted a4");
            assertThat(queries.stats().totalAttempts()).isEqualTo(4);
        }
    }
}
