package dev.turnstile.projections.activity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.turnstile.contracts.claim.ClaimEvent;
import dev.turnstile.projections.query.Attempt;
import dev.turnstile.projections.query.AttemptFilter;
import dev.turnstile.projections.query.AttemptPage;
import dev.turnstile.projections.query.Breakdown;
import dev.turnstile.projections.query.Result;
import dev.turnstile.projections.query.TimelineBucket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The activity read model on a real RocksDB store, fed decision streams shaped like the processor's. */
class ActivityProjectionTest {

    private static final String TOPIC = "claim-decisions";
    private static final Instant NOW = Instant.parse("2026-11-23T12:00:30Z");

    @TempDir
    Path dir;

    private final SettableClock clock = new SettableClock(NOW);
    private final Decisions decisions = new Decisions();
    private ActivityProjection projection;

    @BeforeEach
    void open() {
        projection = ActivityProjection.open(dir.resolve("store"), TOPIC, clock, false);
    }

    @AfterEach
    void close() {
        projection.close();
    }

    private List<Attempt> apply(ClaimEvent... events) {
        return projection.apply(decisions.records(List.of(events)));
    }

    private ClaimEvent attempt(String project, String task, String sha, String agent, Instant at) {
        return decisions.attempt(project, task, sha, agent, at);
    }

    @Nested
    class Stats {

        @Test
        void counts_every_attempt_and_the_denied_ones_as_duplicates_blocked() {
            apply(
                    attempt("hire", "deploy", "aaaaaaa", "a1", NOW.minusSeconds(10)),
                    attempt("hire", "deploy", "aaaaaaa", "a2", NOW.minusSeconds(9)),
                    attempt("hire", "deploy", "aaaaaaa", "a3", NOW.minusSeconds(8)),
                    attempt("web", "build", "bbbbbbb", "a1", NOW.minusSeconds(7)));

            var stats = projection.stats();

            assertThat(stats.totalAttempts()).isEqualTo(4);
            assertThat(stats.duplicatesBlocked()).isEqualTo(2);
            assertThat(stats.blockRatePercent()).isEqualTo(50.0);
            assertThat(stats.activeProjects()).isEqualTo(2);
            assertThat(stats.asOf()).isEqualTo(NOW);
        }

        @Test
        void an_empty_model_has_zero_everything_and_a_zero_block_rate() {
            var stats = projection.stats();

            assertThat(stats.totalAttempts()).isZero();
            assertThat(stats.attemptsLast24h()).isZero();
            assertThat(stats.blockRatePercent()).isZero();
            assertThat(stats.byProject()).isEmpty();
            assertThat(stats.byTask()).isEmpty();
        }

        @Test
        void breakdowns_are_sorted_by_total_descending_then_by_label() {
            apply(
                    attempt("zeta", "deploy", "aaaaaaa", "a1", NOW),
                    attempt("zeta", "deploy", "aaaaaaa", "a2", NOW),
                    attempt("alpha", "lint", "aaaaaaa", "a1", NOW),
                    attempt("beta", "test", "aaaaaaa", "a1", NOW),
                    attempt("beta", "test", "aaaaaaa", "a2", NOW),
                    attempt("beta", "test", "aaaaaaa", "a3", NOW),
                    attempt("gamma", "deploy", "aaaaaaa", "a1", NOW));

            var stats = projection.stats();

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

        @Test
        void the_last_24_hours_are_the_1440_minutes_up_to_and_including_the_current_one() {
            var nowMinute = Instant.parse("2026-11-23T12:00:00Z");
            apply(
                    attempt("p", "t", "aaaaaaa", "too-old", nowMinute.minus(Duration.ofHours(24))),
                    attempt("p", "t", "aaaaaaa", "oldest-counted", nowMinute.minus(Duration.ofHours(24)).plusSeconds(60)),
                    attempt("p", "t", "aaaaaaa", "recent", NOW.minusSeconds(1)),
                    attempt("p", "t", "bbbbbbb", "future", NOW.plusSeconds(60)));

            var stats = projection.stats();

            assertThat(stats.totalAttempts()).isEqualTo(4);
            assertThat(stats.attemptsLast24h()).isEqualTo(2);
            assertThat(stats.duplicatesBlockedLast24h()).isEqualTo(2);
        }

        @Test
        void attempts_leave_the_24_hour_window_as_the_clock_moves_on() {
            apply(
                    attempt("p", "t", "aaaaaaa", "a1", NOW.minus(Duration.ofHours(23))),
                    attempt("p", "t", "aaaaaaa", "a2", NOW.minus(Duration.ofHours(1))));
            assertThat(projection.stats().attemptsLast24h()).isEqualTo(2);

            clock.advance(Duration.ofHours(1).plusMinutes(1));
            assertThat(projection.stats().attemptsLast24h()).isEqualTo(1);
            assertThat(projection.stats().duplicatesBlockedLast24h()).isEqualTo(1);

            clock.advance(Duration.ofHours(23));
            assertThat(projection.stats().attemptsLast24h()).isZero();
            assertThat(projection.stats().totalAttempts()).isEqualTo(2);
        }
    }

    @Nested
    class Idempotence {

        @Test
        void the_same_decisions_applied_twice_are_counted_once() {
            var events = List.of(
                    attempt("hire", "deploy", "aaaaaaa", "a1", NOW),
                    attempt("hire", "deploy", "aaaaaaa", "a2", NOW.plusMillis(1)));
            projection.apply(decisions.records(events));
            var before = projection.stats();

            var fresh = projection.apply(decisions.records(events));

            assertThat(fresh).isEmpty();
            assertThat(projection.stats()).isEqualTo(before);
            assertThat(projection.recentAttempts(null, null, 0).items()).hasSize(2);
            assertThat(projection.repeatedCount()).isEqualTo(2);
        }

        @Test
        void a_redelivered_decision_is_not_counted_again() {
            var granted = attempt("hire", "deploy", "aaaaaaa", "a1", NOW);
            var denied = attempt("hire", "deploy", "aaaaaaa", "a2", NOW);
            apply(granted, denied);

            apply(Decisions.redelivery(granted), Decisions.redelivery(denied), Decisions.redelivery(denied));

            assertThat(projection.stats().totalAttempts()).isEqualTo(2);
            assertThat(projection.stats().duplicatesBlocked()).isEqualTo(1);
            assertThat(projection.stats().attemptsLast24h()).isEqualTo(2);
        }

        @Test
        void a_decision_repeated_within_one_batch_is_counted_once() {
            var granted = attempt("hire", "deploy", "aaaaaaa", "a1", NOW);

            apply(granted, granted, Decisions.redelivery(granted));

            assertThat(projection.stats().totalAttempts()).isEqualTo(1);
            assertThat(projection.stats().byTask()).containsExactly(new Breakdown("deploy", 1, 0));
        }
    }

    @Nested
    class RecordsThatAreNotAttempts {

        @Test
        void other_event_kinds_and_undecodable_records_are_skipped_counted_and_do_not_stall() {
            var records = new ArrayList<DecisionRecord>();
            records.add(decisions.record("k", Decisions.json(
                    "{\"type\":\"LeaseExpired\",\"decisionId\":\"p:t:aaaaaaa#9\",\"taskKey\":\"p:t:aaaaaaa\"}")));
            records.add(decisions.record("k", Decisions.json("not json")));
            records.add(decisions.record("k", Decisions.json("{\"no\":\"type\"}")));
            records.add(decisions.record("k", null));
            records.addAll(decisions.records(List.of(attempt("p", "t", "aaaaaaa", "a1", NOW))));

            var fresh = projection.apply(records);

            assertThat(fresh).extracting(Attempt::agentId).containsExactly("a1");
            assertThat(projection.skippedCount()).isEqualTo(4);
            assertThat(projection.stats().totalAttempts()).isEqualTo(1);
            assertThat(projection.storedOffsets()).containsValue((long) records.size());
        }
    }

    @Nested
    class RecentAttempts {

        @Test
        void lists_attempts_newest_first_with_every_field() {
            var first = Instant.parse("2026-11-23T10:00:00Z");
            apply(
                    attempt("hire", "deploy", "AbCdEf1", "a1", first),
                    attempt("hire", "deploy", "AbCdEf1", "a2", first.plusSeconds(5)));

            var items = projection.recentAttempts(AttemptFilter.none(), null, 10).items();

            assertThat(items)
                    .containsExactly(
                            new Attempt("hire:deploy:AbCdEf1#2", "hire:deploy:AbCdEf1", "hire", "deploy", "abcdef1",
                                    "a2", items.get(0).requestId(), first.plusSeconds(5), false, "a1", first,
                                    "ClaimDenied"),
                            new Attempt("hire:deploy:AbCdEf1#1", "hire:deploy:AbCdEf1", "hire", "deploy", "abcdef1",
                                    "a1", items.get(1).requestId(), first, true, null, null, "ClaimGranted"));
            assertThat(items).allSatisfy(attempt -> assertThat(attempt.requestId()).startsWith("req-"));
        }

        @Test
        void pages_follow_each_other_without_gaps_or_repeats_and_the_last_has_no_cursor() {
            var all = appliedAttempts(7);

            var first = projection.recentAttempts(null, null, 3);
            var second = projection.recentAttempts(null, first.nextCursor(), 3);
            var third = projection.recentAttempts(null, second.nextCursor(), 3);

            assertThat(ids(first)).containsExactlyElementsOf(all.subList(0, 3));
            assertThat(ids(second)).containsExactlyElementsOf(all.subList(3, 6));
            assertThat(ids(third)).containsExactlyElementsOf(all.subList(6, 7));
            assertThat(first.nextCursor()).isNotNull();
            assertThat(third.nextCursor()).isNull();
        }

        @Test
        void a_page_that_ends_exactly_at_the_last_attempt_has_no_cursor() {
            appliedAttempts(6);

            var second = projection.recentAttempts(null, projection.recentAttempts(null, null, 3).nextCursor(), 3);

            assertThat(second.items()).hasSize(3);
            assertThat(second.nextCursor()).isNull();
        }

        @Test
        void a_cursor_stays_valid_when_newer_attempts_arrive() {
            var all = appliedAttempts(6);
            var first = projection.recentAttempts(null, null, 3);

            apply(attempt("late", "deploy", "fffffff", "a9", NOW.plusSeconds(3600)));
            var second = projection.recentAttempts(null, first.nextCursor(), 3);

            assertThat(ids(second)).containsExactlyElementsOf(all.subList(3, 6));
            assertThat(projection.recentAttempts(null, null, 1).items().getFirst().project()).isEqualTo("late");
        }

        @Test
        void the_page_size_defaults_to_50_and_is_at_most_100() {
            appliedAttempts(120);

            assertThat(projection.recentAttempts(null, null, 0).items()).hasSize(50);
            assertThat(projection.recentAttempts(null, null, -5).items()).hasSize(50);
            assertThat(projection.recentAttempts(null, null, 1000).items()).hasSize(100);
        }

        @Test
        void a_cursor_that_this_api_did_not_make_is_rejected_naming_the_cursor() {
            assertThatThrownBy(() -> projection.recentAttempts(null, "not a cursor!", 10))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("cursor ");
            assertThatThrownBy(() -> projection.recentAttempts(null, "AQ", 10))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("cursor ");
        }

        /** Applies {@code count} attempts one second apart; returns their ids newest first. */
        private List<String> appliedAttempts(int count) {
            var events = new ArrayList<ClaimEvent>();
            for (int i = 0; i < count; i++) {
                events.add(attempt("p" + (i % 3), "t", "a" + String.format("%06d", i), "agent", NOW.plusSeconds(i)));
            }
            projection.apply(decisions.records(events));
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
            projection.apply(decisions.records(events));
        }

        @Test
        void by_project() {
            assertFiltered(new AttemptFilter("web", null, null, null), e -> e.project().equals("web"));
        }

        @Test
        void by_task() {
            assertFiltered(new AttemptFilter(null, "build", null, null), e -> e.task().equals("build"));
        }

        @Test
        void by_result() {
            assertFiltered(new AttemptFilter(null, null, Result.BLOCKED, null), e -> !e.wasGranted());
            assertFiltered(new AttemptFilter(null, null, Result.GRANTED, null), ClaimEvent::wasGranted);
        }

        @Test
        void by_sha_prefix_naming_one_sha_and_several() {
            assertFiltered(new AttemptFilter(null, null, null, "ABC"), e -> e.gitSha().equals("abc1234"));
            assertFiltered(new AttemptFilter(null, null, null, "ab"), e -> e.gitSha().startsWith("ab"));
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
                    e -> e.project().equals("api") && e.wasGranted() && e.gitSha().equals("fff0000"));
        }

        @Test
        void filters_that_match_nothing_give_an_empty_last_page() {
            var page = projection.recentAttempts(new AttemptFilter("nobody", null, null, null), null, 10);
            assertThat(page.items()).isEmpty();
            assertThat(page.nextCursor()).isNull();
            assertThat(projection.recentAttempts(new AttemptFilter(null, null, null, "0123"), null, 10).items())
                    .isEmpty();
        }

        @Test
        void blank_filter_fields_do_not_filter() {
            var filter = new AttemptFilter(" ", "", null, "  ");
            assertThat(filter.isEmpty()).isTrue();
            assertThat(projection.recentAttempts(filter, null, 100).items()).hasSize(events.size());
        }

        /** Pages through {@code filter} two at a time and compares with the stream filtered by hand. */
        private void assertFiltered(AttemptFilter filter, java.util.function.Predicate<ClaimEvent> expected) {
            var wanted = events.reversed().stream().filter(expected).map(ClaimEvent::decisionId).toList();
            var seen = new ArrayList<String>();
            String cursor = null;
            do {
                var page = projection.recentAttempts(filter, cursor, 2);
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

            assertThat(projection.attemptsForSha("ABC1234"))
                    .extracting(Attempt::decisionId)
                    .containsExactly(c.decisionId(), b.decisionId(), a.decisionId());
        }

        @Test
        void a_prefix_of_exactly_one_sha_is_enough_and_an_ambiguous_one_is_rejected() {
            apply(attempt("hire", "deploy", "abc1234", "a1", NOW), attempt("hire", "deploy", "abd0000", "a1", NOW));

            assertThat(projection.attemptsForSha("abc")).extracting(Attempt::gitSha).containsExactly("abc1234");
            assertThatThrownBy(() -> projection.attemptsForSha("ab"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("abc1234")
                    .hasMessageContaining("abd0000");
            assertThat(projection.attemptsForSha("0000000")).isEmpty();
        }
    }

    @Nested
    class Timeline {

        @Test
        void counts_attempts_and_blocks_per_bucket_including_empty_buckets() {
            var hour = Instant.parse("2026-11-23T09:00:00Z");
            apply(
                    attempt("p", "t", "aaaaaaa", "a1", hour.plusSeconds(10)),
                    attempt("p", "t", "aaaaaaa", "a2", hour.plusSeconds(1800)),
                    attempt("p", "t", "bbbbbbb", "a1", hour.plus(Duration.ofHours(2)).plusSeconds(59)));

            var timeline = projection.timeline(hour.plusSeconds(600), hour.plus(Duration.ofHours(3)), Duration.ofHours(1));

            assertThat(timeline)
                    .containsExactly(
                            new TimelineBucket(hour, 2, 1),
                            new TimelineBucket(hour.plus(Duration.ofHours(1)), 0, 0),
                            new TimelineBucket(hour.plus(Duration.ofHours(2)), 1, 0));
        }

        @Test
        void rejects_bad_ranges_and_buckets_with_a_message_naming_the_rule() {
            assertThatThrownBy(() -> projection.timeline(NOW, NOW, Duration.ofHours(1)))
                    .hasMessageContaining("from must be before to");
            assertThatThrownBy(() -> projection.timeline(NOW.minusSeconds(60), NOW, Duration.ofSeconds(30)))
                    .hasMessageContaining("whole number of minutes");
            assertThatThrownBy(() -> projection.timeline(Instant.EPOCH, NOW, Duration.ofMinutes(1)))
                    .hasMessageContaining("at most 10000");
        }
    }

    @Nested
    class Subscriptions {

        @Test
        void listeners_hear_each_new_attempt_once_and_a_failing_listener_breaks_nothing() {
            var heard = new CopyOnWriteArrayList<String>();
            try (var failing = projection.subscribe(attempt -> {
                        throw new IllegalStateException("listener bug");
                    });
                    var recording = projection.subscribe(attempt -> heard.add(attempt.agentId()))) {
                var granted = attempt("p", "t", "aaaaaaa", "a1", NOW);
                apply(granted, attempt("p", "t", "aaaaaaa", "a2", NOW));
                apply(Decisions.redelivery(granted));
            }
            apply(attempt("p", "t", "aaaaaaa", "a3", NOW));

            assertThat(heard).containsExactly("a1", "a2");
            assertThat(projection.listenerErrorCount()).isEqualTo(2);
            assertThat(projection.stats().totalAttempts()).isEqualTo(3);
        }
    }

    @Nested
    class Storage {

        @Test
        void a_reopened_store_answers_the_same_and_resumes_from_its_offsets() {
            apply(attempt("hire", "deploy", "aaaaaaa", "a1", NOW), attempt("hire", "deploy", "aaaaaaa", "a2", NOW));
            var stats = projection.stats();
            var offsets = projection.storedOffsets();
            projection.close();

            projection = ActivityProjection.open(dir.resolve("store"), TOPIC, clock, false);

            assertThat(projection.stats()).isEqualTo(stats);
            assertThat(projection.storedOffsets()).isEqualTo(offsets).isNotEmpty();
            assertThat(projection.recentAttempts(null, null, 10).items()).hasSize(2);
        }

        @Test
        void rebuild_and_a_different_topic_start_from_an_empty_store() {
            apply(attempt("hire", "deploy", "aaaaaaa", "a1", NOW));
            projection.close();

            projection = ActivityProjection.open(dir.resolve("store"), TOPIC, clock, true);
            assertThat(projection.stats().totalAttempts()).isZero();
            assertThat(projection.storedOffsets()).isEmpty();

            apply(attempt("hire", "deploy", "bbbbbbb", "a1", NOW));
            projection.close();
            projection = ActivityProjection.open(dir.resolve("store"), "other-decisions", clock, false);
            assertThat(projection.stats().totalAttempts()).isZero();
        }

        @Test
        void queries_on_a_closed_projection_say_it_is_closed() {
            projection.close();

            assertThatThrownBy(() -> projection.stats()).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("closed");
        }

        @Test
        void uses_the_injected_clock_for_as_of() {
            var fixed = Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), java.time.ZoneOffset.UTC);
            projection.close();
            projection = ActivityProjection.open(dir.resolve("store"), TOPIC, fixed, false);

            assertThat(projection.stats().asOf()).isEqualTo(Instant.parse("2030-01-01T00:00:00Z"));
        }
    }

    private static List<String> ids(AttemptPage page) {
        return page.items().stream().map(Attempt::decisionId).toList();
    }
}
