package dev.turnstile.projections.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnstile.contracts.job.JobEvent;
import dev.turnstile.contracts.job.JobRefusalReason;
import dev.turnstile.contracts.job.JobRequestKind;
import dev.turnstile.contracts.job.JobState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The read model's rules, as a pure function of the queue, the job and one event: no store, no clock. */
class JobFoldTest {

    private final JobEvents events = new JobEvents();
    private QueueOverview queue = QueueOverview.empty("emails");
    private StoredJob job;
    private final List<TimelineEntry> timeline = new ArrayList<>();
    private final List<LogLine> logs = new ArrayList<>();

    /** Folds {@code event} into the queue and job held by this test, as the store would keep them. */
    private JobFold.Folded apply(JobEvent event) {
        assertThat(JobFold.isNew(queue, event))
                .as("event %s is new", event.eventId())
                .isTrue();
        var folded = JobFold.fold(queue, job, event);
        queue = folded.queue();
        if (folded.before() != null || folded.after() != null) {
            job = folded.after();
        }
        if (folded.timeline() != null) {
            timeline.add(folded.timeline());
        }
        logs.addAll(folded.logs());
        return folded;
    }

    @Nested
    class Lifecycle {

        @Test
        void an_enqueued_job_is_counted_waiting_and_starts_its_timeline() {
            apply(events.enqueued("emails", "welcome-1", "send-welcome"));

            assertThat(queue.counts()).isEqualTo(StateCounts.NONE.plus(JobState.WAITING, 1));
            assertThat(job.state()).isEqualTo(JobState.WAITING);
            assertThat(job.summary().id()).isEqualTo("emails:welcome-1");
            assertThat(job.name()).isEqualTo("send-welcome");
            assertThat(timeline).singleElement().satisfies(entry -> {
                assertThat(entry.type()).isEqualTo("JobEnqueued");
                assertThat(entry.eventId()).isEqualTo("emails#1");
                assertThat(entry.description()).isEqualTo("Enqueued: waiting (priority 0)");
            });
        }

        @Test
        void a_delayed_job_says_until_when_and_becomes_waiting_when_its_time_comes() {
            var runAt = events.now().plusSeconds(60);
            apply(events.delayed("emails", "later-1", "send-later", runAt));
            assertThat(job.summary().runAt()).isEqualTo(runAt);
            assertThat(queue.counts().delayed()).isEqualTo(1);

            apply(events.after(Duration.ofSeconds(60)).ready("emails", "later-1", JobState.DELAYED));

            assertThat(queue.counts()).isEqualTo(StateCounts.NONE.plus(JobState.WAITING, 1));
            assertThat(job.summary().runAt()).isNull();
            assertThat(timeline)
                    .extracting(TimelineEntry::description)
                    .containsExactly("Enqueued, delayed until " + runAt, "Its delay ended: waiting");
        }

        @Test
        void a_claim_makes_the_job_active_with_its_worker_attempt_token_and_lease_and_no_progress_yet() {
            apply(events.enqueued("emails", "welcome-1", "send-welcome"));
            apply(events.claimed("emails", "welcome-1", "worker-1", 1, 7));

            assertThat(queue.counts()).isEqualTo(StateCounts.NONE.plus(JobState.ACTIVE, 1));
            assertThat(job.summary()).satisfies(summary -> {
                assertThat(summary.state()).isEqualTo(JobState.ACTIVE);
                assertThat(summary.workerId()).isEqualTo("worker-1");
                assertThat(summary.attempt()).isEqualTo(1);
                assertThat(summary.leaseExpiresAt()).isEqualTo(events.now().plusSeconds(30));
                assertThat(summary.progress()).isNull();
            });
            assertThat(job.fencingToken()).isEqualTo(7);
            assertThat(timeline.getLast().description())
                    .isEqualTo("Claimed by worker-1: attempt 1 of 3, fencing token 7, lease until "
                            + events.now().plusSeconds(30));
        }

        @Test
        void heartbeats_move_the_progress_and_the_lease_without_a_timeline_entry() {
            apply(events.enqueued("emails", "welcome-1", "send-welcome"));
            apply(events.claimed("emails", "welcome-1", "worker-1", 1, 1));
            apply(events.after(Duration.ofSeconds(10))
                    .heartbeat("emails", "welcome-1", "worker-1", 1, 1, 40, "rendering"));
            apply(events.after(Duration.ofSeconds(10)).heartbeat("emails", "welcome-1", "worker-1", 1, 1, null, null));

            assertThat(job.progress()).isEqualTo(40);
            assertThat(job.progressMessage()).isEqualTo("rendering");
            assertThat(job.leaseExpiresAt()).isEqualTo(events.now().plusSeconds(30));
            assertThat(job.lastHeartbeatAt()).isEqualTo(events.now());
            assertThat(timeline).hasSize(2);
        }

        @Test
        void a_new_attempt_starts_without_the_progress_of_the_last_one() {
            apply(events.enqueued("emails", "welcome-1", "send-welcome"));
            apply(events.claimed("emails", "welcome-1", "worker-1", 1, 1));
            apply(events.heartbeat("emails", "welcome-1", "worker-1", 1, 1, 90, "almost"));
            apply(events.failed("emails", "welcome-1", "worker-1", 1, 1, JobState.FAILED_WILL_RETRY));
            apply(events.ready("emails", "welcome-1", JobState.FAILED_WILL_RETRY));
            apply(events.claimed("emails", "welcome-1", "worker-2", 2, 2));

            assertThat(job.progress()).isNull();
            assertThat(job.progressMessage()).isNull();
            assertThat(job.summary().attempt()).isEqualTo(2);
        }

        @Test
        void a_success_finishes_the_job_and_keeps_its_result() {
            apply(events.enqueued("emails", "welcome-1", "send-welcome"));
            apply(events.claimed("emails", "welcome-1", "worker-1", 1, 1));
            apply(events.succeeded("emails", "welcome-1", "worker-1", 1, 1));

            assertThat(queue.counts()).isEqualTo(StateCounts.NONE.plus(JobState.SUCCEEDED, 1));
            assertThat(job.finishedAt()).isEqualTo(events.now());
            assertThat(job.result().get("ok").asInt()).isEqualTo(1);
            assertThat(job.summary().leaseExpiresAt())
                    .as("only active jobs show a lease")
                    .isNull();
            assertThat(timeline.getLast().description()).isEqualTo("Succeeded: attempt 1 by worker-1");
        }

        @Test
        void a_failure_with_attempts_left_waits_for_its_retry_and_the_last_one_is_dead() {
            apply(events.enqueued("emails", "welcome-1", "send-welcome"));
            apply(events.claimed("emails", "welcome-1", "worker-1", 1, 1));
            apply(events.failed("emails", "welcome-1", "worker-1", 1, 1, JobState.FAILED_WILL_RETRY));
            assertThat(job.summary().runAt()).isEqualTo(events.now().plusSeconds(5));
            assertThat(job.lastError()).isEqualTo("boom");
            assertThat(job.lastFailure()).isEqualTo("worker_failed");
            assertThat(timeline.getLast().description())
                    .isEqualTo("Attempt 1 by worker-1 failed: boom; retried at "
                            + events.now().plusSeconds(5));

            apply(events.ready("emails", "welcome-1", JobState.FAILED_WILL_RETRY));
            apply(events.claimed("emails", "welcome-1", "worker-1", 2, 2));
            apply(events.failed("emails", "welcome-1", "worker-1", 2, 2, JobState.DEAD));

            assertThat(queue.counts()).isEqualTo(StateCounts.NONE.plus(JobState.DEAD, 1));
            assertThat(job.finishedAt()).isEqualTo(events.now());
            assertThat(timeline.getLast().description()).endsWith("; dead, no attempts left");
        }

        @Test
        void a_stuck_attempt_is_told_as_a_lease_that_ran_out() {
            apply(events.enqueued("emails", "welcome-1", "send-welcome"));
            apply(events.claimed("emails", "welcome-1", "worker-1", 1, 1));
            apply(events.after(Duration.ofSeconds(31)).leaseExpired("emails", "welcome-1", "worker-1", 1, 1));

            assertThat(job.lastFailure()).isEqualTo("lease_expired");
            assertThat(timeline.getLast().description())
                    .startsWith("Attempt 1 by worker-1 stopped heartbeating: its lease ran out at ");
        }

        @Test
        void cancelling_an_active_job_says_who_cancelled_it_and_that_its_worker_stops() {
            apply(events.enqueued("emails", "welcome-1", "send-welcome"));
            apply(events.claimed("emails", "welcome-1", "worker-1", 1, 4));
            apply(events.cancelled("emails", "welcome-1", JobState.ACTIVE, "worker-1", 4L));

            assertThat(queue.counts()).isEqualTo(StateCounts.NONE.plus(JobState.CANCELLED, 1));
            assertThat(job.cancelledBy()).isEqualTo("operator");
            assertThat(timeline.getLast().description())
                    .isEqualTo("Cancelled by operator while worker-1 ran it (token"
                            + " 4): its next heartbeat is refused, so it stops");
        }

        @Test
        void a_retried_dead_job_is_waiting_again_with_its_attempts_reset() {
            apply(events.enqueued("emails", "welcome-1", "send-welcome"));
            apply(events.claimed("emails", "welcome-1", "worker-1", 1, 1));
            apply(events.failed("emails", "welcome-1", "worker-1", 1, 1, JobState.DEAD));
            apply(events.retried("emails", "welcome-1", JobState.DEAD));

            assertThat(queue.counts()).isEqualTo(StateCounts.NONE.plus(JobState.WAITING, 1));
            assertThat(job.attempt()).isZero();
            assertThat(job.finishedAt()).isNull();
        }

        @Test
        void a_deleted_job_is_gone_and_no_longer_counted() {
            apply(events.enqueued("emails", "welcome-1", "send-welcome"));
            var folded = apply(events.deleted("emails", "welcome-1", JobState.WAITING));

            assertThat(folded.after()).isNull();
            assertThat(folded.before()).isNotNull();
            assertThat(queue.counts()).isEqualTo(StateCounts.NONE);
        }
    }

    @Nested
    class WorkerReports {

        @Test
        void log_lines_are_numbered_after_the_lines_already_logged() {
            apply(events.enqueued("emails", "welcome-1", "send-welcome"));
            apply(events.claimed("emails", "welcome-1", "worker-1", 1, 1));
            apply(events.logs("emails", "welcome-1", "worker-1", 1, 1, "one", "two"));
            apply(events.logs("emails", "welcome-1", "worker-1", 1, 1, "three"));

            assertThat(logs).extracting(LogLine::number).containsExactly(1L, 2L, 3L);
            assertThat(logs).extracting(LogLine::text).containsExactly("one", "two", "three");
            assertThat(job.logCount()).isEqualTo(3);
            assertThat(timeline).as("logs are not history").hasSize(2);
        }

        @Test
        void an_artifact_is_kept_and_told_in_the_timeline() {
            apply(events.enqueued("emails", "welcome-1", "send-welcome"));
            apply(events.claimed("emails", "welcome-1", "worker-1", 1, 1));
            var folded = apply(events.artifact("emails", "welcome-1", "worker-1", "report.html"));

            assertThat(folded.artifact().uri()).isEqualTo("s3://bucket/report.html");
            assertThat(job.artifactCount()).isEqualTo(1);
            assertThat(timeline.getLast().description())
                    .isEqualTo("Artifact report.html (text/html, 123 bytes) recorded by worker-1");
        }

        @Test
        void refused_heartbeats_stay_off_the_timeline_but_a_refused_completion_is_told() {
            apply(events.enqueued("emails", "welcome-1", "send-welcome"));
            apply(events.refused("emails", "welcome-1", JobRequestKind.HEARTBEAT, JobRefusalReason.STALE_TOKEN));
            apply(events.refused("emails", "welcome-1", JobRequestKind.COMPLETE, JobRefusalReason.STALE_TOKEN));

            assertThat(timeline)
                    .extracting(TimelineEntry::description)
                    .containsExactly(
                            "Enqueued: waiting (priority 0)",
                            "A complete by worker-1 with token 1 was refused: stale_token");
        }
    }

    @Nested
    class TheQueue {

        @Test
        void pause_resume_and_settings_change_the_queue_and_no_job() {
            apply(events.paused("emails"));
            assertThat(queue.paused()).isTrue();
            apply(events.configured("emails", 5));
            assertThat(queue.concurrency()).isEqualTo(5);
            apply(events.resumed("emails"));
            apply(events.configured("emails", null));

            assertThat(queue.paused()).isFalse();
            assertThat(queue.concurrency()).isNull();
            assertThat(queue.lastSequence()).isEqualTo(4);
            assertThat(job).isNull();
        }

        @Test
        void claim_next_parkings_and_their_empty_answers_are_applied_but_not_streamed() {
            assertThat(apply(events.parked("emails")).streamed()).isFalse();
            assertThat(apply(events.noJob("emails")).streamed()).isFalse();
            assertThat(apply(events.paused("emails")).streamed()).isTrue();
            assertThat(queue.lastSequence()).isEqualTo(3);
        }

        @Test
        void a_redelivered_event_or_one_already_applied_is_not_new() {
            var enqueued = apply(events.enqueued("emails", "welcome-1", "send-welcome"));

            var first = events.all().getFirst();
            assertThat(JobFold.isNew(queue, first)).isFalse();
            assertThat(JobFold.isNew(queue, first.asRedelivery())).isFalse();
            assertThat(enqueued.after()).isNotNull();
        }
    }

    @Nested
    class JobsTheReadModelDoesNotHold {

        @Test
        void an_event_about_an_unknown_job_starts_it_afresh_and_counts_it() {
            apply(events.claimed("emails", "cleaned-1", "worker-1", 1, 3));

            assertThat(queue.counts()).isEqualTo(StateCounts.NONE.plus(JobState.ACTIVE, 1));
            assertThat(job.name()).as("a grant carries the job's name").isEqualTo("send");
            assertThat(job.workerId()).isEqualTo("worker-1");
        }

        @Test
        void a_delete_or_a_duplicate_enqueue_of_an_unknown_job_changes_nothing() {
            var deleted = apply(events.deleted("emails", "gone-1", JobState.WAITING));
            var duplicate = apply(events.alreadyEnqueued("emails", "gone-2", "again-2"));

            assertThat(deleted.after()).isNull();
            assertThat(duplicate.after()).isNull();
            assertThat(queue.counts()).isEqualTo(StateCounts.NONE);
        }
    }
}
