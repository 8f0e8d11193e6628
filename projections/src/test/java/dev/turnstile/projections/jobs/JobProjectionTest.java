package dev.turnstile.projections.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.turnstile.contracts.job.JobEvent;
import dev.turnstile.contracts.job.JobState;
import dev.turnstile.contracts.json.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job read model on a real RocksDB store, fed records as the runner hands them over, with a settable clock. */
class JobProjectionTest {

    private static final JobLimits SMALL = new JobLimits(4, 5, 2, 6);

    @TempDir
    Path dir;

    private final JobEvents events = new JobEvents();
    private final MovableClock clock = new MovableClock(JobEvents.T0);
    private JobProjection projection;
    private long offset;

    @BeforeEach
    void open() {
        projection = JobProjection.open(dir.resolve("jobs"), "job-events", clock, SMALL, false);
    }

    @AfterEach
    void close() {
        projection.close();
    }

    /** Applies {@code applied} as the next records of partition 0. */
    private List<JobChange.EventApplied> apply(JobEvent... applied) {
        var records = JobEvents.records(List.of(applied), offset);
        offset += applied.length;
        return projection.apply(records);
    }

    @Test
    void a_queue_lists_its_jobs_newest_first_by_state_and_by_name_with_stable_cursors() {
        for (int i = 1; i <= 5; i++) {
            apply(events.enqueued("emails", "job-" + i, i % 2 == 0 ? "even" : "odd"));
        }
        apply(events.claimed("emails", "job-2", "worker-1", 1, 1));

        var first = projection.jobs("emails", JobFilter.none(), null, 2);
        assertThat(first.items()).extracting(JobSummary::jobId).containsExactly("job-5", "job-4");
        apply(events.enqueued("emails", "job-6", "odd"));
        var second = projection.jobs("emails", JobFilter.none(), first.nextCursor(), 2);
        var third = projection.jobs("emails", JobFilter.none(), second.nextCursor(), 2);

        assertThat(second.items())
                .as("a job enqueued meanwhile never shifts later pages")
                .extracting(JobSummary::jobId)
                .containsExactly("job-3", "job-2");
        assertThat(third.items()).extracting(JobSummary::jobId).containsExactly("job-1");
        assertThat(third.nextCursor()).isNull();
        assertThat(projection
                        .jobs("emails", new JobFilter(JobState.WAITING, null), null, 10)
                        .items())
                .extracting(JobSummary::jobId)
                .containsExactly("job-6", "job-5", "job-4", "job-3", "job-1");
        assertThat(projection
                        .jobs("emails", new JobFilter(null, "even"), null, 10)
                        .items())
                .extracting(JobSummary::jobId)
                .containsExactly("job-4", "job-2");
        assertThat(projection
                        .jobs("emails", new JobFilter(JobState.ACTIVE, "even"), null, 10)
                        .items())
                .extracting(JobSummary::jobId)
                .containsExactly("job-2");
        assertThat(projection.jobs("other", JobFilter.none(), null, 10).items()).isEmpty();
    }

    @Test
    void a_cursor_that_no_page_returned_is_refused() {
        assertThatThrownBy(() -> projection.jobs("emails", JobFilter.none(), "not-a-cursor", 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pass the nextCursor of the previous page unchanged");
    }

    @Test
    void queues_are_listed_by_name_with_their_counts_pause_and_limit() {
        apply(
                events.enqueued("web", "a", "build"),
                events.enqueued("emails", "b", "send"),
                events.enqueued("emails", "c", "send"));
        apply(events.claimed("emails", "b", "worker-1", 1, 1), events.paused("emails"), events.configured("emails", 2));

        assertThat(projection.queues()).extracting(QueueOverview::queue).containsExactly("emails", "web");
        var emails = projection.queue("emails").orElseThrow();
        assertThat(emails.counts())
                .isEqualTo(StateCounts.NONE.plus(JobState.WAITING, 1).plus(JobState.ACTIVE, 1));
        assertThat(emails.paused()).isTrue();
        assertThat(emails.concurrency()).isEqualTo(2);
    }

    @Test
    void a_job_keeps_only_its_newest_log_lines_and_says_how_many_were_dropped() {
        apply(events.enqueued("emails", "a", "send"), events.claimed("emails", "a", "worker-1", 1, 1));
        apply(
                events.logs("emails", "a", "worker-1", 1, 1, "l1", "l2", "l3"),
                events.logs("emails", "a", "worker-1", 1, 1, "l4", "l5", "l6", "l7"));

        var logs = projection.job("emails", "a").orElseThrow().logs();

        assertThat(logs.items()).extracting(LogLine::text).containsExactly("l3", "l4", "l5", "l6", "l7");
        assertThat(logs.items().getFirst().number()).isEqualTo(3);
        assertThat(logs.dropped()).isEqualTo(2);
    }

    @Test
    void a_jobs_timeline_and_artifacts_keep_their_newest_entries_within_their_bounds() {
        apply(events.enqueued("emails", "a", "send"), events.claimed("emails", "a", "worker-1", 1, 1));
        apply(
                events.artifact("emails", "a", "worker-1", "one"),
                events.artifact("emails", "a", "worker-1", "two"),
                events.artifact("emails", "a", "worker-1", "three"));

        var job = projection.job("emails", "a").orElseThrow();

        assertThat(job.artifacts().items()).extracting(Artifact::name).containsExactly("two", "three");
        assertThat(job.artifacts().dropped()).isEqualTo(1);
        assertThat(job.timeline().items()).hasSize(4);
        assertThat(job.timeline().items().getFirst().type()).isEqualTo("JobClaimed");
        assertThat(job.timeline().dropped()).isEqualTo(1);
        assertThat(job.payload().get("to").asString()).isEqualTo("a@example.com");
    }

    @Test
    void a_deleted_job_is_gone_with_its_history_and_its_id_starts_afresh_when_enqueued_again() {
        apply(
                events.enqueued("emails", "a", "send"),
                events.claimed("emails", "a", "worker-1", 1, 1),
                events.logs("emails", "a", "worker-1", 1, 1, "old"),
                events.cancelled("emails", "a", JobState.ACTIVE, "worker-1", 1L),
                events.deleted("emails", "a", JobState.CANCELLED));
        assertThat(projection.job("emails", "a")).isEmpty();
        assertThat(projection.queue("emails").orElseThrow().counts()).isEqualTo(StateCounts.NONE);

        apply(events.enqueued("emails", "a", "send-again"));

        var job = projection.job("emails", "a").orElseThrow();
        assertThat(job.summary().name()).isEqualTo("send-again");
        assertThat(job.logs().items()).isEmpty();
        assertThat(job.timeline().items()).hasSize(1);
        assertThat(projection.jobs("emails", JobFilter.none(), null, 10).items())
                .hasSize(1);
    }

    @Test
    void events_after_a_sequence_are_replayed_and_a_gap_beyond_the_kept_events_is_reported() {
        apply(
                events.enqueued("emails", "a", "send"),
                events.enqueued("emails", "b", "send"),
                events.parked("emails"),
                events.claimed("emails", "a", "worker-1", 1, 1));

        var all = projection.eventsAfter("emails", 0, null);
        var ofA = projection.eventsAfter("emails", 1, "a");

        assertThat(all.complete()).isTrue();
        assertThat(all.events())
                .extracting(JobChange.EventApplied::eventId)
                .as("parkings are not streamed")
                .containsExactly("emails#1", "emails#2", "emails#4");
        assertThat(ofA.events()).extracting(JobChange.EventApplied::eventId).containsExactly("emails#4");
        assertThat(ofA.events().getFirst().json())
                .contains("\"type\":\"JobClaimed\"")
                .doesNotContain("payload");

        for (int i = 0; i < 6; i++) {
            apply(events.enqueued("emails", "more-" + i, "send"));
        }
        var late = projection.eventsAfter("emails", 2, null);
        assertThat(late.complete()).as("only the newest 6 events are kept").isFalse();
        assertThat(late.events()).extracting(JobChange.EventApplied::sequence).containsExactly(5L, 6L, 7L, 8L, 9L, 10L);
        assertThat(projection.eventsAfter("emails", 4, null).complete()).isTrue();
    }

    @Test
    void clean_drops_old_finished_jobs_of_the_states_asked_for_from_lists_and_counts_only() {
        apply(
                events.enqueued("emails", "old-ok", "send"),
                events.enqueued("emails", "old-dead", "send"),
                events.enqueued("emails", "new-ok", "send"),
                events.enqueued("emails", "waiting", "send"));
        apply(
                events.claimed("emails", "old-ok", "w", 1, 1),
                events.succeeded("emails", "old-ok", "w", 1, 1),
                events.claimed("emails", "old-dead", "w", 1, 2),
                events.failed("emails", "old-dead", "w", 1, 2, JobState.DEAD));
        events.after(Duration.ofHours(2));
        apply(events.claimed("emails", "new-ok", "w", 1, 3), events.succeeded("emails", "new-ok", "w", 1, 3));
        clock.advance(Duration.ofHours(2));
        var heard = new ArrayList<JobChange>();
        projection.subscribe(heard::add);

        var result = projection.clean("emails", EnumSet.of(JobState.SUCCEEDED), Duration.ofHours(1));

        assertThat(result.removed()).isEqualTo(1);
        assertThat(projection.job("emails", "old-ok")).isEmpty();
        assertThat(projection.job("emails", "old-dead")).as("another state").isPresent();
        assertThat(projection.job("emails", "new-ok"))
                .as("finished too recently")
                .isPresent();
        assertThat(projection.queue("emails").orElseThrow().counts())
                .isEqualTo(StateCounts.NONE
                        .plus(JobState.SUCCEEDED, 1)
                        .plus(JobState.DEAD, 1)
                        .plus(JobState.WAITING, 1));
        assertThat(projection.jobs("emails", JobFilter.none(), null, 10).items())
                .extracting(JobSummary::jobId)
                .containsExactly("waiting", "new-ok", "old-dead");
        assertThat(heard).containsExactly(new JobChange.Cleaned("emails", 1));
    }

    @Test
    void cleaning_jobs_that_have_not_finished_is_refused() {
        assertThatThrownBy(() -> projection.clean("emails", Set.of(JobState.ACTIVE), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("active jobs are not finished");
    }

    @Test
    void records_that_are_not_job_events_are_skipped_and_counted_and_their_offsets_kept() {
        var records = new ArrayList<>(JobEvents.records(List.of(events.enqueued("emails", "a", "send")), 0));
        records.add(JobEvents.garbage(1, "not json"));
        records.add(JobEvents.garbage(2, "{\"type\":\"SomethingNew\",\"queue\":\"emails\"}"));
        records.add(new JobEventRecord(0, 3, null, null));

        projection.apply(records);

        assertThat(projection.skippedCount()).isEqualTo(3);
        assertThat(projection.appliedCount()).isEqualTo(1);
        assertThat(projection.storedOffsets()).containsEntry(0, 4L);
    }

    @Test
    void a_restarted_read_model_resumes_from_its_offsets_and_applies_nothing_twice() {
        apply(events.enqueued("emails", "a", "send"), events.claimed("emails", "a", "worker-1", 1, 1));
        projection.close();

        projection = JobProjection.open(dir.resolve("jobs"), "job-events", clock, SMALL, false);
        var replayed = projection.apply(JobEvents.records(events.all(), 0));
        var redelivered = projection.apply(List.of(new JobEventRecord(
                0, 2, Json.MAPPER.writeValueAsBytes(events.all().getLast().asRedelivery()), "fingerprint")));

        assertThat(projection.storedOffsets()).containsEntry(0, 3L);
        assertThat(replayed).isEmpty();
        assertThat(redelivered).isEmpty();
        assertThat(projection.repeatedCount()).isEqualTo(3);
        assertThat(projection.queue("emails").orElseThrow().counts())
                .isEqualTo(StateCounts.NONE.plus(JobState.ACTIVE, 1));
    }

    @Test
    void a_rebuild_from_offset_zero_gives_the_same_answers() {
        apply(events.enqueued("emails", "a", "send"), events.enqueued("web", "b", "build"));
        apply(
                events.claimed("emails", "a", "worker-1", 1, 1),
                events.heartbeat("emails", "a", "worker-1", 1, 1, 50, "half"),
                events.logs("emails", "a", "worker-1", 1, 1, "hello"),
                events.succeeded("emails", "a", "worker-1", 1, 1));
        var queues = projection.queues();
        var job = projection.job("emails", "a").orElseThrow();
        projection.close();

        projection = JobProjection.open(dir.resolve("jobs"), "job-events", clock, SMALL, true);
        assertThat(projection.queues()).isEmpty();
        projection.apply(JobEvents.records(events.all(), 0));

        assertThat(projection.queues()).isEqualTo(queues);
        assertThat(projection.job("emails", "a")).contains(job);
    }

    @Test
    void subscribers_hear_each_change_after_it_is_stored_and_a_failing_one_stops_nothing() {
        var heard = new ArrayList<String>();
        projection.subscribe(change -> {
            throw new IllegalStateException("a broken subscriber");
        });
        projection.subscribe(change -> heard.add(((JobChange.EventApplied) change).eventId() + " "
                + projection
                        .job("emails", "a")
                        .map(j -> j.summary().state().wireName())
                        .orElse("-")));

        apply(
                events.enqueued("emails", "a", "send"),
                events.parked("emails"),
                events.claimed("emails", "a", "worker-1", 1, 1));

        assertThat(heard).containsExactly("emails#1 active", "emails#3 active");
        assertThat(projection.listenerErrorCount()).isEqualTo(2);
    }

    @Test
    void every_answer_goes_to_the_answer_sink_with_its_fingerprint_even_a_repeated_one() {
        var answers = new ArrayList<String>();
        projection.answers((event, fingerprint) -> answers.add(event.eventId() + " " + fingerprint));
        var cancelled = events.cancelled("emails", "a", JobState.WAITING, null, null);
        var record = new JobEventRecord(0, 0, Json.MAPPER.writeValueAsBytes(cancelled), "cancel job=a by operator");
        var timer = events.ready("emails", "b", JobState.DELAYED);

        projection.apply(List.of(record));
        projection.apply(List.of(new JobEventRecord(
                0, 1, Json.MAPPER.writeValueAsBytes(cancelled.asRedelivery()), "cancel job=a by operator")));
        projection.apply(List.of(new JobEventRecord(0, 2, Json.MAPPER.writeValueAsBytes(timer), null)));

        assertThat(answers).containsExactly("emails#1 cancel job=a by operator", "emails#1 cancel job=a by operator");
    }

    @Test
    void a_store_built_from_another_topic_is_rebuilt() {
        apply(events.enqueued("emails", "a", "send"));
        projection.close();

        projection = JobProjection.open(dir.resolve("jobs"), "other-job-events", clock, SMALL, false);

        assertThat(projection.queues()).isEmpty();
        assertThat(projection.storedOffsets()).isEmpty();
    }
}
