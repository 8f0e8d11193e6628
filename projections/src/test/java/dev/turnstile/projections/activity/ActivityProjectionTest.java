package dev.turnstile.projections.activity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.turnstile.contracts.claim.ClaimEvent;
import dev.turnstile.contracts.claim.ClaimOutcome;
import dev.turnstile.contracts.claim.TaskKey;
import dev.turnstile.contracts.json.Json;
import dev.turnstile.projections.query.Attempt;
import dev.turnstile.projections.query.AttemptFilter;
import dev.turnstile.projections.query.Lease;
import dev.turnstile.projections.query.LeaseState;
import dev.turnstile.projections.query.TimelineBucket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

/**
 * What the RocksDB read model does beyond answering queries (those rules are {@link ActivityQueriesContract}'s):
 * skipping records that are not decisions, the counters behind its meters, and its store across restarts.
 */
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
    class RecordsThatAreNotDecisions {

        @Test
        void other_event_kinds_and_undecodable_records_are_skipped_counted_and_do_not_stall() {
            var records = new ArrayList<DecisionRecord>();
            records.add(decisions.record("k", Decisions.json("{\"type\":\"LeaseAudited\",\"taskKey\":\"p:t:a\"}")));
            records.add(
                    decisions.record(
                            "k",
                            Decisions.json(
                                    "{\"type\":\"LeaseExpired\",\"decisionId\":\"p:t:aaaaaaa#9\",\"taskKey\":\"p:t:aaaaaaa\"}")));
            records.add(decisions.record("k", Decisions.json("not json")));
            records.add(decisions.record("k", Decisions.json("{\"no\":\"type\"}")));
            records.add(decisions.record("k", null));
            records.addAll(decisions.records(List.of(attempt("p", "t", "aaaaaaa", "a1", NOW))));

            var fresh = projection.apply(records);

            assertThat(fresh).extracting(Attempt::agentId).containsExactly("a1");
            assertThat(projection.skippedCount()).isEqualTo(5);
            assertThat(projection.queries().stats().totalAttempts()).isEqualTo(1);
            assertThat(projection.storedOffsets()).containsValue((long) records.size());
        }

        @Test
        void a_completion_without_its_outcome_is_skipped_because_it_cannot_end_a_claim() {
            var key = new TaskKey("p", "t", "aaaaaaa");
            var lease = decisions.lease(key, "a1", 1, NOW, Duration.ofSeconds(30));
            var completed = Json.MAPPER.writeValueAsString(
                    decisions.complete(lease, ClaimOutcome.SUCCEEDED, NOW.plusSeconds(5)));
            var withoutOutcome =
                    decisions.record(key.value(), Decisions.json(completed.replace(",\"outcome\":\"succeeded\"", "")));

            var records = new ArrayList<>(decisions.records(List.of(lease)));
            records.add(withoutOutcome);
            projection.apply(records);

            assertThat(projection.skippedCount()).isEqualTo(1);
            assertThat(projection.queries().leases(LeaseState.ACTIVE, 10))
                    .extracting(Lease::holder)
                    .containsExactly("a1");
        }
    }

    @Nested
    class Counters {

        @Test
        void new_listed_attempts_are_returned_and_counted_as_applied_and_repeats_as_repeated() {
            var lease = decisions.lease(new TaskKey("p", "t", "bbbbbbb"), "a3", 1, NOW, Duration.ofSeconds(30));
            var events = List.of(
                    attempt("hire", "deploy", "aaaaaaa", "a1", NOW),
                    attempt("hire", "deploy", "aaaaaaa", "a2", NOW.plusMillis(1)),
                    lease,
                    decisions.renew(lease, NOW.plusSeconds(10)));

            var fresh = projection.apply(decisions.records(events));
            var again = projection.apply(decisions.records(events));

            assertThat(fresh).extracting(Attempt::agentId).containsExactly("a1", "a2", "a3");
            assertThat(again).isEmpty();
            assertThat(projection.appliedCount()).isEqualTo(3);
            assertThat(projection.repeatedCount()).isEqualTo(4);
        }

        @Test
        void a_failing_listener_is_counted_and_stays_subscribed() {
            try (var failing = projection.queries().subscribe(attempt -> {
                throw new IllegalStateException("listener bug");
            })) {
                apply(attempt("p", "t", "aaaaaaa", "a1", NOW), attempt("p", "t", "aaaaaaa", "a2", NOW));
                apply(attempt("p", "t", "aaaaaaa", "a3", NOW));
            }

            assertThat(projection.listenerErrorCount()).isEqualTo(3);
            assertThat(projection.queries().stats().totalAttempts()).isEqualTo(3);
        }

        @Test
        void the_model_is_ready_once_marked_caught_up() {
            assertThat(projection.queries().ready()).isFalse();

            projection.markReady();

            assertThat(projection.queries().ready()).isTrue();
        }
    }

    @Nested
    class Storage {

        @Test
        void a_reopened_store_answers_the_same_and_resumes_from_its_offsets() {
            apply(attempt("hire", "deploy", "aaaaaaa", "a1", NOW), attempt("hire", "deploy", "aaaaaaa", "a2", NOW));
            var stats = projection.queries().stats();
            var offsets = projection.storedOffsets();
            projection.close();

            projection = ActivityProjection.open(dir.resolve("store"), TOPIC, clock, false);

            assertThat(projection.queries().stats()).isEqualTo(stats);
            assertThat(projection.storedOffsets()).isEqualTo(offsets).isNotEmpty();
            assertThat(projection.queries().recentAttempts(null, null, 10).items())
                    .hasSize(2);
        }

        @Test
        void a_lease_stored_before_a_restart_goes_on_from_where_it_stood() {
            var lease = decisions.lease(new TaskKey("p", "t", "aaaaaaa"), "a1", 1, NOW, Duration.ofSeconds(30));
            apply(lease, decisions.renew(lease, NOW.plusSeconds(10)));
            projection.close();
            projection = ActivityProjection.open(dir.resolve("store"), TOPIC, clock, false);

            apply(decisions.expire(lease, NOW.plusSeconds(41)));

            assertThat(projection.queries().leases(LeaseState.ACTIVE, 10)).isEmpty();
            assertThat(projection.queries().leases(LeaseState.EXPIRED, 10))
                    .singleElement()
                    .satisfies(expired -> {
                        assertThat(expired.grantedAt()).isEqualTo(NOW);
                        assertThat(expired.expiresAt()).isEqualTo(NOW.plusSeconds(40));
                    });
        }

        @Test
        void rebuild_and_a_different_topic_start_from_an_empty_store() {
            apply(attempt("hire", "deploy", "aaaaaaa", "a1", NOW));
            projection.close();

            projection = ActivityProjection.open(dir.resolve("store"), TOPIC, clock, true);
            assertThat(projection.queries().stats().totalAttempts()).isZero();
            assertThat(projection.storedOffsets()).isEmpty();

            apply(attempt("hire", "deploy", "bbbbbbb", "a1", NOW));
            projection.close();
            projection = ActivityProjection.open(dir.resolve("store"), "other-decisions", clock, false);
            assertThat(projection.queries().stats().totalAttempts()).isZero();
        }

        @Test
        void a_store_of_an_older_layout_is_rebuilt_from_offset_0() throws Exception {
            apply(attempt("hire", "deploy", "aaaaaaa", "a1", NOW));
            projection.close();
            try (var options = new Options();
                    var db = RocksDB.open(options, dir.resolve("store").toString())) {
                db.put(ascii("M:layout"), ascii("2"));
            }

            projection = ActivityProjection.open(dir.resolve("store"), TOPIC, clock, false);

            assertThat(projection.queries().stats().totalAttempts()).isZero();
            assertThat(projection.storedOffsets()).isEmpty();
        }

        /**
         * The layout of {@code projections/README.md}, written key by key as the store of the previous release has
         * it: read without a rebuild, and the next decisions go on from it.
         */
        @Test
        void a_store_written_in_layout_3_is_read_as_it_is_and_goes_on() throws Exception {
            projection.close();
            var key = "hire:deploy:3f9c2ab";
            var grantedAt = Instant.parse("2026-11-23T12:00:00Z");
            var position = Keys.position(grantedAt.toEpochMilli(), key + "#1");
            var counts = ByteBuffer.allocate(16).putLong(1).putLong(0).array();
            try (var options = new Options();
                    var db = RocksDB.open(options, dir.resolve("store").toString())) {
                db.put(ascii("M:topic"), ascii(TOPIC));
                db.put(ascii("M:layout"), ascii("3"));
                db.put(
                        Keys.concat(
                                ascii("O:"), ByteBuffer.allocate(4).putInt(0).array()),
                        ByteBuffer.allocate(8).putLong(1).array());
                db.put(ascii("D:" + key + "#1"), new byte[0]);
                db.put(ascii("C:all"), counts);
                db.put(ascii("P:hire"), counts);
                db.put(ascii("T:deploy"), counts);
                db.put(Keys.minute(grantedAt.toEpochMilli() / 60_000), counts);
                db.put(Keys.minute(ascii("BP:hire\0"), grantedAt.toEpochMilli() / 60_000), counts);
                db.put(Keys.minute(ascii("BT:deploy\0"), grantedAt.toEpochMilli() / 60_000), counts);
                db.put(Keys.concat(ascii("A:"), position), ascii("""
                        {"decisionId":"hire:deploy:3f9c2ab#1","taskKey":"hire:deploy:3f9c2ab","project":"hire",\
                        "task":"deploy","gitSha":"3f9c2ab","agentId":"a1","requestId":"r1",\
                        "attemptedAt":"2026-11-23T12:00:00Z","wasGranted":true,"claimedBy":null,"claimedAt":null,\
                        "kind":"ClaimGranted","result":"granted"}"""));
                for (var index : List.of("IP:hire\0", "IT:deploy\0", "IR:G", "IS:3f9c2ab\0")) {
                    db.put(Keys.concat(ascii(index), position), new byte[0]);
                }
                db.put(ascii("L:" + key), ascii("""
                        {"taskKey":"hire:deploy:3f9c2ab","project":"hire","task":"deploy","gitSha":"3f9c2ab",\
                        "holder":"a1","fencingToken":1,"state":"active","grantedAt":"2026-11-23T12:00:00Z",\
                        "expiresAt":"2026-11-23T12:00:30Z","endedAt":null,"outcome":null}"""));
                db.put(Keys.concat(ascii("IL:active\0"), Keys.position(grantedAt.toEpochMilli(), key)), ascii(key));
            }
            projection = ActivityProjection.open(dir.resolve("store"), TOPIC, clock, false);

            var queries = projection.queries();
            assertThat(queries.stats().totalAttempts()).isEqualTo(1);
            assertThat(queries.stats().attemptsLast24h()).isEqualTo(1);
            assertThat(queries.attemptsForSha("3f9c"))
                    .extracting(Attempt::agentId)
                    .containsExactly("a1");
            assertThat(queries.timeline(
                            grantedAt,
                            grantedAt.plusSeconds(60),
                            Duration.ofMinutes(1),
                            new AttemptFilter("hire", null, null, null)))
                    .extracting(TimelineBucket::attempts)
                    .containsExactly(1L);
            assertThat(queries.leases(LeaseState.ACTIVE, 10))
                    .extracting(Lease::holder)
                    .containsExactly("a1");
            assertThat(projection.storedOffsets()).containsEntry(0, 1L);

            var stored = decisions.lease(
                    new TaskKey("hire", "deploy", "3f9c2ab"), "a1", 1, grantedAt, Duration.ofSeconds(30));
            projection.apply(List.of(
                    new DecisionRecord(0, 1, Decisions.serialize(stored)),
                    new DecisionRecord(0, 2, Decisions.serialize(decisions.release(stored, NOW)))));

            assertThat(projection.repeatedCount()).isEqualTo(1);
            assertThat(queries.leases(LeaseState.ACTIVE, 10)).isEmpty();
            assertThat(queries.leases(LeaseState.RELEASED, 10))
                    .singleElement()
                    .satisfies(released -> assertThat(released.endedAt()).isEqualTo(NOW));
            assertThat(projection.storedOffsets()).containsEntry(0, 3L);
        }

        @Test
        void queries_on_a_closed_projection_say_it_is_closed() {
            projection.close();

            assertThatThrownBy(() -> projection.queries().stats())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("closed");
        }
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
