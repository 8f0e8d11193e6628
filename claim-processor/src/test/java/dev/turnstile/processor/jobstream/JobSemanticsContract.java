package dev.turnstile.processor.jobstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnstile.contracts.job.AppendJobLogs;
import dev.turnstile.contracts.job.AttachJobArtifact;
import dev.turnstile.contracts.job.Backoff;
import dev.turnstile.contracts.job.CancelJob;
import dev.turnstile.contracts.job.ClaimNextJob;
import dev.turnstile.contracts.job.ClaimNextParked;
import dev.turnstile.contracts.job.CompleteJob;
import dev.turnstile.contracts.job.ConfigureQueue;
import dev.turnstile.contracts.job.DedupMatch;
import dev.turnstile.contracts.job.DeleteJob;
import dev.turnstile.contracts.job.EnqueueJob;
import dev.turnstile.contracts.job.FailJob;
import dev.turnstile.contracts.job.FailureKind;
import dev.turnstile.contracts.job.HeartbeatJob;
import dev.turnstile.contracts.job.JobAlreadyEnqueued;
import dev.turnstile.contracts.job.JobArtifactAttached;
import dev.turnstile.contracts.job.JobCancelled;
import dev.turnstile.contracts.job.JobClaimed;
import dev.turnstile.contracts.job.JobCommand;
import dev.turnstile.contracts.job.JobDeleted;
import dev.turnstile.contracts.job.JobEnqueued;
import dev.turnstile.contracts.job.JobEvent;
import dev.turnstile.contracts.job.JobEventHeader;
import dev.turnstile.contracts.job.JobFailed;
import dev.turnstile.contracts.job.JobHeartbeatReceived;
import dev.turnstile.contracts.job.JobLogsAppended;
import dev.turnstile.contracts.job.JobReady;
import dev.turnstile.contracts.job.JobRefusalReason;
import dev.turnstile.contracts.job.JobRequestKind;
import dev.turnstile.contracts.job.JobRequestRefused;
import dev.turnstile.contracts.job.JobRetried;
import dev.turnstile.contracts.job.JobState;
import dev.turnstile.contracts.job.JobSucceeded;
import dev.turnstile.contracts.job.NoJobAvailable;
import dev.turnstile.contracts.job.NoJobReason;
import dev.turnstile.contracts.job.PauseQueue;
import dev.turnstile.contracts.job.QueuePaused;
import dev.turnstile.contracts.job.QueueResumed;
import dev.turnstile.contracts.job.ResumeQueue;
import dev.turnstile.contracts.job.RetryJob;
import dev.turnstile.contracts.json.Json;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The rules of work queues, as sentences, with explicit command times (seconds after {@link #T0}) and no sleeps.
 * Run against the pure decider and against the production topology, so the adapter cannot change what the rules
 * say. Timers (delays, backoffs, leases, parked waits) fire when a test advances the clock: in the topology that is
 * the wall clock that drives its punctuator.
 */
abstract class JobSemanticsContract {

    static final String QUEUE = "billing";
    static final String OTHER_QUEUE = "mailing";
    static final Instant T0 = Instant.parse("2026-11-23T10:30:00Z");
    static final JsonNode PAYLOAD = Json.MAPPER.readTree("{\"invoice\":42}");

    /** Feeds {@code commands} in order to their queues' logs; returns every event they decided, in order. */
    abstract List<JobEvent> run(List<JobCommand> commands);

    /** The clock moves to {@code T0 + seconds}: timers due by then fire. Returns the events they decided. */
    abstract List<JobEvent> advanceClockTo(int seconds);

    private int requests;

    List<JobEvent> run(JobCommand... commands) {
        return run(List.of(commands));
    }

    String nextRequestId() {
        return String.format("req-%05d", ++requests);
    }

    static Instant at(int seconds) {
        return T0.plusSeconds(seconds);
    }

    EnqueueJob enqueue(String jobId, int seconds) {
        return EnqueueJob.of(QUEUE, nextRequestId(), jobId, "send-invoice", PAYLOAD, at(seconds));
    }

    ClaimNextJob claimNext(String worker, int seconds) {
        return claimNext(worker, seconds, 0);
    }

    ClaimNextJob claimNext(String worker, int seconds, int waitSeconds) {
        return ClaimNextJob.of(QUEUE, nextRequestId(), worker, waitSeconds, at(seconds));
    }

    HeartbeatJob heartbeat(String jobId, String worker, long token, int seconds) {
        return HeartbeatJob.of(QUEUE, nextRequestId(), jobId, worker, token, null, null, at(seconds));
    }

    CompleteJob complete(String jobId, String worker, long token, int seconds) {
        return CompleteJob.of(QUEUE, nextRequestId(), jobId, worker, token, null, at(seconds));
    }

    FailJob fail(String jobId, String worker, long token, int seconds) {
        return FailJob.of(QUEUE, nextRequestId(), jobId, worker, token, "boom", true, at(seconds));
    }

    CancelJob cancel(String jobId, int seconds) {
        return CancelJob.of(QUEUE, nextRequestId(), jobId, "alice", at(seconds));
    }

    RetryJob retry(String jobId, int seconds) {
        return RetryJob.of(QUEUE, nextRequestId(), jobId, "alice", at(seconds));
    }

    DeleteJob delete(String jobId, int seconds) {
        return DeleteJob.of(QUEUE, nextRequestId(), jobId, "alice", at(seconds));
    }

    PauseQueue pause(int seconds) {
        return PauseQueue.of(QUEUE, nextRequestId(), "alice", at(seconds));
    }

    ResumeQueue resume(int seconds) {
        return ResumeQueue.of(QUEUE, nextRequestId(), "alice", at(seconds));
    }

    ConfigureQueue concurrency(Integer limit, int seconds) {
        return ConfigureQueue.of(QUEUE, nextRequestId(), limit, "alice", at(seconds));
    }

    /** The only event of {@code type} among {@code events}. */
    static <T extends JobEvent> T only(List<JobEvent> events, Class<T> type) {
        var matching = events.stream().filter(type::isInstance).map(type::cast).toList();
        assertThat(matching)
                .as("events of type " + type.getSimpleName() + " in " + events)
                .hasSize(1);
        return matching.getFirst();
    }

    /** The job ids handed out among {@code events}, in order. */
    static List<String> handedOut(List<JobEvent> events) {
        return events.stream()
                .filter(JobClaimed.class::isInstance)
                .map(event -> ((JobClaimed) event).jobId())
                .toList();
    }

    static List<String> types(List<JobEvent> events) {
        return events.stream().map(event -> event.getClass().getSimpleName()).toList();
    }

    /** Enqueues {@code jobId} at 0 and hands it to {@code worker} at 1: the grant. */
    JobClaimed running(String jobId, String worker) {
        return only(run(enqueue(jobId, 0), claimNext(worker, 1)), JobClaimed.class);
    }

    @Nested
    class Enqueue {

        @Test
        void a_job_enqueued_to_run_now_is_waiting_with_every_field_it_was_given() {
            var command = enqueue("invoice-42", 0)
                    .withPriority(5)
                    .withMaxAttempts(4)
                    .withBackoff(Backoff.fixed(7))
                    .withLeaseSeconds(20)
                    .withDedupKey("customer-7");

            var events = run(command);

            assertThat(events)
                    .containsExactly(new JobEnqueued(
                            JobEventHeader.of(QUEUE, 1, command.requestId(), T0),
                            "invoice-42",
                            "send-invoice",
                            PAYLOAD,
                            5,
                            T0,
                            4,
                            Backoff.fixed(7),
                            20,
                            "customer-7",
                            JobState.WAITING));
        }

        @Test
        void a_job_enqueued_with_a_delay_is_delayed_until_its_time() {
            var delayed = only(run(enqueue("invoice-42", 0).withDelaySeconds(60)), JobEnqueued.class);
            var scheduled = only(run(enqueue("invoice-43", 0).withRunAt(at(90))), JobEnqueued.class);

            assertThat(delayed.state()).isEqualTo(JobState.DELAYED);
            assertThat(delayed.runAt()).isEqualTo(at(60));
            assertThat(scheduled.state()).isEqualTo(JobState.DELAYED);
            assertThat(scheduled.runAt()).isEqualTo(at(90));
        }

        @Test
        void a_job_whose_run_at_has_passed_is_waiting_at_once() {
            var event = only(run(enqueue("invoice-42", 10).withRunAt(at(5))), JobEnqueued.class);

            assertThat(event.state()).isEqualTo(JobState.WAITING);
        }

        @Test
        void enqueueing_the_same_job_id_again_answers_the_existing_job_and_adds_nothing() {
            run(enqueue("invoice-42", 0));

            var events =
                    run(enqueue("invoice-42", 5).withPriority(9), claimNext("worker-1", 6), claimNext("worker-2", 7));

            var existing = only(events, JobAlreadyEnqueued.class);
            assertThat(existing.jobId()).isEqualTo("invoice-42");
            assertThat(existing.matchedBy()).isEqualTo(DedupMatch.JOB_ID);
            assertThat(existing.state()).isEqualTo(JobState.WAITING);
            assertThat(handedOut(events)).containsExactly("invoice-42");
        }

        @Test
        void while_a_job_with_a_dedup_key_is_unfinished_enqueueing_another_with_that_key_answers_the_first() {
            run(enqueue("invoice-42", 0).withDedupKey("customer-7"));

            var existing = only(run(enqueue("invoice-43", 1).withDedupKey("customer-7")), JobAlreadyEnqueued.class);

            assertThat(existing.jobId()).isEqualTo("invoice-42");
            assertThat(existing.requestedJobId()).isEqualTo("invoice-43");
            assertThat(existing.matchedBy()).isEqualTo(DedupMatch.DEDUP_KEY);
        }

        @Test
        void a_dedup_key_is_free_again_once_its_job_has_finished() {
            run(enqueue("invoice-42", 0).withDedupKey("customer-7"));
            var grant = only(run(claimNext("worker-1", 1)), JobClaimed.class);
            run(complete("invoice-42", "worker-1", grant.fencingToken(), 2));

            var events = run(enqueue("invoice-43", 3).withDedupKey("customer-7"));

            assertThat(only(events, JobEnqueued.class).jobId()).isEqualTo("invoice-43");
        }

        @Test
        void each_queue_numbers_its_own_events_and_names_them_queue_hash_sequence() {
            var events = run(
                    enqueue("invoice-42", 0),
                    EnqueueJob.of(OTHER_QUEUE, nextRequestId(), "mail-1", "send", null, at(0)),
                    enqueue("invoice-43", 1));

            assertThat(events).extracting(JobEvent::eventId).containsExactly("billing#1", "mailing#1", "billing#2");
        }
    }

    @Nested
    class ClaimNext {

        @Test
        void a_grant_carries_the_job_the_first_attempt_a_fencing_token_and_the_lease_expiry() {
            var enqueued = enqueue("invoice-42", 0).withLeaseSeconds(20);
            run(enqueued);
            var claim = claimNext("worker-1", 3);

            var events = run(claim);

            assertThat(events)
                    .containsExactly(new JobClaimed(
                            JobEventHeader.of(QUEUE, 2, claim.requestId(), at(3)),
                            "invoice-42",
                            "worker-1",
                            1,
                            1,
                            20,
                            at(23),
                            "send-invoice",
                            PAYLOAD,
                            0,
                            3));
        }

        @Test
        void higher_priority_jobs_are_handed_out_first() {
            run(
                    enqueue("low", 0).withPriority(-1),
                    enqueue("normal", 1),
                    enqueue("urgent", 2).withPriority(10));

            var events = run(claimNext("w-1", 3), claimNext("w-2", 3), claimNext("w-3", 3));

            assertThat(handedOut(events)).containsExactly("urgent", "normal", "low");
        }

        @Test
        void jobs_of_equal_priority_are_handed_out_first_in_first_out() {
            run(enqueue("first", 0), enqueue("second", 1), enqueue("third", 2));

            var events = run(claimNext("w-1", 3), claimNext("w-2", 3), claimNext("w-3", 3));

            assertThat(handedOut(events)).containsExactly("first", "second", "third");
        }

        @Test
        void fencing_tokens_of_a_queue_strictly_increase_across_jobs_and_attempts() {
            run(enqueue("a", 0), enqueue("b", 0).withBackoff(Backoff.fixed(0)));
            var first = only(run(claimNext("w-1", 1)), JobClaimed.class);
            var second = only(run(claimNext("w-2", 1)), JobClaimed.class);
            run(fail("b", "w-2", second.fencingToken(), 2));
            var third = only(run(claimNext("w-3", 3)), JobClaimed.class);

            assertThat(List.of(first.fencingToken(), second.fencingToken(), third.fencingToken()))
                    .containsExactly(1L, 2L, 3L);
            assertThat(third.jobId()).isEqualTo("b");
            assertThat(third.attempt()).isEqualTo(2);
        }

        @Test
        void with_nothing_waiting_a_claim_next_that_does_not_wait_gets_no_job_at_once() {
            var none = only(run(claimNext("worker-1", 0)), NoJobAvailable.class);

            assertThat(none.reason()).isEqualTo(NoJobReason.QUEUE_EMPTY);
            assertThat(none.workerId()).isEqualTo("worker-1");
        }

        @Test
        void a_parked_claim_next_is_handed_the_next_job_enqueued_right_after_the_enqueue_is_answered() {
            var claim = claimNext("worker-1", 0, 30);
            var parked = only(run(claim), ClaimNextParked.class);

            var events = run(enqueue("invoice-42", 5));

            assertThat(parked.waitUntil()).isEqualTo(at(30));
            assertThat(types(events)).containsExactly("JobEnqueued", "JobClaimed");
            var grant = only(events, JobClaimed.class);
            assertThat(grant.requestId()).isEqualTo(claim.requestId());
            assertThat(grant.workerId()).isEqualTo("worker-1");
            assertThat(grant.leaseExpiresAt()).isEqualTo(at(35));
        }

        @Test
        void parked_claims_are_served_first_parked_first_one_job_each() {
            run(claimNext("w-1", 0, 30), claimNext("w-2", 1, 30), claimNext("w-3", 2, 30));

            var events = run(enqueue("a", 3), enqueue("b", 4));

            assertThat(events.stream().filter(JobClaimed.class::isInstance).map(e -> ((JobClaimed) e).workerId()))
                    .containsExactly("w-1", "w-2");
            assertThat(handedOut(events)).containsExactly("a", "b");
        }

        @Test
        void a_parked_claim_next_is_answered_with_no_job_when_its_wait_runs_out() {
            var claim = claimNext("worker-1", 0, 10);
            run(claim);

            assertThat(advanceClockTo(9)).isEmpty();
            var none = only(advanceClockTo(10), NoJobAvailable.class);

            assertThat(none.reason()).isEqualTo(NoJobReason.WAIT_EXPIRED);
            assertThat(none.requestId()).isEqualTo(claim.requestId());
            assertThat(handedOut(run(enqueue("invoice-42", 11)))).isEmpty();
        }

        @Test
        void a_parked_claim_whose_wait_ran_out_gets_no_job_even_before_its_timer_fires() {
            run(claimNext("worker-1", 0, 10));

            var events = run(enqueue("invoice-42", 12), claimNext("worker-2", 12));

            assertThat(types(events)).containsExactly("NoJobAvailable", "JobEnqueued", "JobClaimed");
            assertThat(only(events, JobClaimed.class).workerId()).isEqualTo("worker-2");
        }

        @Test
        void beyond_the_most_parked_claims_a_claim_next_gets_no_job_at_once() {
            for (int i = 0; i < maxParkedClaims(); i++) {
                run(claimNext("w-" + i, 0, 30));
            }

            var none = only(run(claimNext("one-too-many", 1, 30)), NoJobAvailable.class);

            assertThat(none.reason()).isEqualTo(NoJobReason.TOO_MANY_WAITERS);
        }

        @Test
        void a_delayed_job_is_handed_out_only_once_its_time_has_come() {
            run(enqueue("invoice-42", 0).withDelaySeconds(60));
            assertThat(only(run(claimNext("worker-1", 30)), NoJobAvailable.class)
                            .reason())
                    .isEqualTo(NoJobReason.QUEUE_EMPTY);
            run(claimNext("worker-2", 50, 30));

            var events = advanceClockTo(60);

            assertThat(types(events)).containsExactly("JobReady", "JobClaimed");
            assertThat(only(events, JobClaimed.class).workerId()).isEqualTo("worker-2");
            assertThat(only(events, JobReady.class).occurredAt()).isEqualTo(at(60));
        }
    }

    /** The bound the runner's decider was built with. */
    abstract int maxParkedClaims();

    @Nested
    class PauseAndResume {

        @Test
        void a_paused_queue_hands_out_nothing_while_its_active_jobs_go_on() {
            var grant = running("a", "w-1");
            run(enqueue("b", 2));

            var events = run(
                    pause(3),
                    claimNext("w-2", 4),
                    heartbeat("a", "w-1", grant.fencingToken(), 5),
                    complete("a", "w-1", grant.fencingToken(), 6));

            assertThat(types(events))
                    .containsExactly("QueuePaused", "NoJobAvailable", "JobHeartbeatReceived", "JobSucceeded");
            assertThat(only(events, NoJobAvailable.class).reason()).isEqualTo(NoJobReason.QUEUE_PAUSED);
        }

        @Test
        void resuming_hands_the_waiting_jobs_to_the_parked_claims() {
            run(pause(0), enqueue("a", 1), claimNext("w-1", 2, 30));

            var events = run(resume(3));

            assertThat(types(events)).containsExactly("QueueResumed", "JobClaimed");
        }

        @Test
        void pausing_a_paused_queue_or_resuming_a_running_one_is_refused() {
            var events = run(resume(0), pause(1), pause(2));

            assertThat(events)
                    .filteredOn(JobRequestRefused.class::isInstance)
                    .extracting(event -> ((JobRequestRefused) event).reason())
                    .containsExactly(JobRefusalReason.NOT_PAUSED, JobRefusalReason.ALREADY_PAUSED);
            assertThat(events).filteredOn(QueuePaused.class::isInstance).hasSize(1);
            assertThat(events).noneMatch(QueueResumed.class::isInstance);
        }
    }

    @Nested
    class Concurrency {

        @Test
        void at_most_the_concurrency_limit_of_jobs_is_active_at_once() {
            run(concurrency(2, 0), enqueue("a", 0), enqueue("b", 0), enqueue("c", 0));

            var events = run(claimNext("w-1", 1), claimNext("w-2", 1), claimNext("w-3", 1));

            assertThat(handedOut(events)).containsExactly("a", "b");
            assertThat(only(events, NoJobAvailable.class).reason()).isEqualTo(NoJobReason.CONCURRENCY_LIMIT);
        }

        @Test
        void a_finished_job_frees_its_slot_for_a_parked_claim() {
            run(concurrency(1, 0), enqueue("a", 0), enqueue("b", 0));
            var grant = only(run(claimNext("w-1", 1)), JobClaimed.class);
            run(claimNext("w-2", 2, 30));

            var events = run(complete("a", "w-1", grant.fencingToken(), 3));

            assertThat(types(events)).containsExactly("JobSucceeded", "JobClaimed");
            assertThat(only(events, JobClaimed.class).workerId()).isEqualTo("w-2");
        }

        @Test
        void raising_the_limit_hands_jobs_to_parked_claims_and_removing_it_lifts_it() {
            run(concurrency(1, 0), enqueue("a", 0), enqueue("b", 0), enqueue("c", 0), claimNext("w-1", 1));
            run(claimNext("w-2", 2, 30), claimNext("w-3", 2, 30));

            var raised = run(concurrency(2, 3));
            var lifted = run(concurrency(null, 4));

            assertThat(handedOut(raised)).containsExactly("b");
            assertThat(handedOut(lifted)).containsExactly("c");
        }
    }

    @Nested
    class Heartbeat {

        @Test
        void a_heartbeat_extends_the_lease_from_its_own_time_with_progress_and_message() {
            var grant = running("a", "w-1");
            var beat = HeartbeatJob.of(QUEUE, nextRequestId(), "a", "w-1", grant.fencingToken(), 40, "halfway", at(20));

            var received = only(run(beat), JobHeartbeatReceived.class);

            assertThat(received.leaseExpiresAt()).isEqualTo(at(50));
            assertThat(received.progress()).isEqualTo(40);
            assertThat(received.message()).isEqualTo("halfway");
            assertThat(advanceClockTo(31)).isEmpty();
        }

        @Test
        void a_heartbeat_with_a_token_of_an_earlier_attempt_is_refused_as_stale() {
            run(enqueue("a", 0).withBackoff(Backoff.fixed(0)));
            var first = only(run(claimNext("w-1", 1)), JobClaimed.class);
            run(fail("a", "w-1", first.fencingToken(), 2));
            var second = only(run(claimNext("w-2", 3)), JobClaimed.class);

            var refused = only(run(heartbeat("a", "w-1", first.fencingToken(), 4)), JobRequestRefused.class);

            assertThat(refused.reason()).isEqualTo(JobRefusalReason.STALE_TOKEN);
            assertThat(refused.fencingToken()).isEqualTo(first.fencingToken());
            assertThat(refused.currentFencingToken()).isEqualTo(second.fencingToken());
        }

        @Test
        void a_heartbeat_with_the_current_token_from_another_worker_is_refused() {
            var grant = running("a", "w-1");

            var refused = only(run(heartbeat("a", "w-2", grant.fencingToken(), 2)), JobRequestRefused.class);

            assertThat(refused.reason()).isEqualTo(JobRefusalReason.NOT_HOLDER);
        }

        @Test
        void a_heartbeat_after_the_lease_ran_out_fails_the_attempt_and_is_refused_with_lease_expired() {
            var grant = running("a", "w-1");

            var events = run(heartbeat("a", "w-1", grant.fencingToken(), 31));

            assertThat(types(events)).containsExactly("JobFailed", "JobRequestRefused");
            assertThat(only(events, JobFailed.class).failure()).isEqualTo(FailureKind.LEASE_EXPIRED);
            var refused = only(events, JobRequestRefused.class);
            assertThat(refused.reason()).isEqualTo(JobRefusalReason.LEASE_EXPIRED);
            assertThat(refused.leaseExpiresAt()).isEqualTo(at(31));
        }

        @Test
        void a_heartbeat_for_a_job_the_queue_does_not_hold_is_refused() {
            var refused = only(run(heartbeat("ghost", "w-1", 1, 0)), JobRequestRefused.class);

            assertThat(refused.reason()).isEqualTo(JobRefusalReason.UNKNOWN_JOB);
            assertThat(refused.refused()).isEqualTo(JobRequestKind.HEARTBEAT);
        }
    }

    @Nested
    class Complete {

        @Test
        void a_completed_job_has_succeeded_and_is_never_handed_out_again() {
            var grant = running("a", "w-1");
            var done = CompleteJob.of(QUEUE, nextRequestId(), "a", "w-1", grant.fencingToken(), PAYLOAD, at(2));

            var events = run(done, claimNext("w-2", 3));

            assertThat(only(events, JobSucceeded.class).result()).isEqualTo(PAYLOAD);
            assertThat(only(events, NoJobAvailable.class).reason()).isEqualTo(NoJobReason.QUEUE_EMPTY);
            assertThat(advanceClockTo(3600)).isEmpty();
        }

        @Test
        void completing_again_is_refused_as_already_completed() {
            var grant = running("a", "w-1");
            run(complete("a", "w-1", grant.fencingToken(), 2));

            var refused = only(run(complete("a", "w-1", grant.fencingToken(), 3)), JobRequestRefused.class);

            assertThat(refused.reason()).isEqualTo(JobRefusalReason.ALREADY_COMPLETED);
            assertThat(refused.state()).isEqualTo(JobState.SUCCEEDED);
        }
    }

    @Nested
    class LogsAndArtifacts {

        @Test
        void the_workers_log_lines_and_artifact_references_are_recorded_with_its_attempt() {
            var grant = running("a", "w-1");
            var logs = AppendJobLogs.of(
                    QUEUE, nextRequestId(), "a", "w-1", grant.fencingToken(), List.of("rendering", "done"), at(2));
            var artifact = AttachJobArtifact.of(
                    QUEUE,
                    nextRequestId(),
                    "a",
                    "w-1",
                    grant.fencingToken(),
                    "invoice.pdf",
                    "s3://bucket/a.pdf",
                    1024,
                    "0".repeat(64),
                    "application/pdf",
                    at(3));

            var events = run(logs, artifact);

            assertThat(only(events, JobLogsAppended.class).lines()).containsExactly("rendering", "done");
            assertThat(only(events, JobLogsAppended.class).attempt()).isEqualTo(1);
            var attached = only(events, JobArtifactAttached.class);
            assertThat(attached.uri()).isEqualTo("s3://bucket/a.pdf");
            assertThat(attached.fencingToken()).isEqualTo(grant.fencingToken());
        }

        @Test
        void log_lines_from_a_worker_without_the_current_token_are_refused() {
            var grant = running("a", "w-1");
            var stale = AppendJobLogs.of(
                    QUEUE, nextRequestId(), "a", "w-1", grant.fencingToken() + 1, List.of("late"), at(2));

            var refused = only(run(stale), JobRequestRefused.class);

            assertThat(refused.refused()).isEqualTo(JobRequestKind.LOGS);
            assertThat(refused.reason()).isEqualTo(JobRefusalReason.STALE_TOKEN);
        }
    }

    @Nested
    class Fail {

        @Test
        void a_failed_attempt_is_retried_after_a_fixed_backoff() {
            run(enqueue("a", 0).withBackoff(Backoff.fixed(10)));
            var grant = only(run(claimNext("w-1", 1)), JobClaimed.class);

            var failed = only(run(fail("a", "w-1", grant.fencingToken(), 2)), JobFailed.class);

            assertThat(failed.state()).isEqualTo(JobState.FAILED_WILL_RETRY);
            assertThat(failed.retryAt()).isEqualTo(at(12));
            assertThat(failed.error()).isEqualTo("boom");
            assertThat(handedOut(run(claimNext("w-2", 11)))).isEmpty();
            assertThat(types(advanceClockTo(12))).containsExactly("JobReady");
            assertThat(only(run(claimNext("w-2", 13)), JobClaimed.class).attempt())
                    .isEqualTo(2);
        }

        @Test
        void an_exponential_backoff_doubles_after_each_failed_attempt_up_to_its_cap() {
            run(enqueue("a", 0).withMaxAttempts(4).withBackoff(Backoff.exponential(2, 5)));
            var retryAts = new java.util.ArrayList<Instant>();
            int now = 1;
            for (int attempt = 1; attempt <= 3; attempt++) {
                advanceClockTo(now);
                var grant = only(run(claimNext("w-1", now)), JobClaimed.class);
                var failed = only(run(fail("a", "w-1", grant.fencingToken(), now)), JobFailed.class);
                retryAts.add(failed.retryAt());
                now = (int) (failed.retryAt().getEpochSecond() - T0.getEpochSecond());
            }

            assertThat(retryAts).containsExactly(at(3), at(7), at(12));
        }

        @Test
        void after_its_last_allowed_attempt_fails_the_job_is_dead() {
            run(enqueue("a", 0).withMaxAttempts(2).withBackoff(Backoff.fixed(0)));
            var first = only(run(claimNext("w-1", 1)), JobClaimed.class);
            run(fail("a", "w-1", first.fencingToken(), 2));
            var second = only(run(claimNext("w-1", 3)), JobClaimed.class);

            var events = run(fail("a", "w-1", second.fencingToken(), 4), claimNext("w-2", 5));

            var dead = only(events, JobFailed.class);
            assertThat(dead.state()).isEqualTo(JobState.DEAD);
            assertThat(dead.attempt()).isEqualTo(2);
            assertThat(dead.retryAt()).isNull();
            assertThat(handedOut(events)).isEmpty();
        }

        @Test
        void a_failure_that_may_not_be_retried_makes_the_job_dead_at_once() {
            var grant = running("a", "w-1");
            var fatal = FailJob.of(QUEUE, nextRequestId(), "a", "w-1", grant.fencingToken(), "bad input", false, at(2));

            assertThat(only(run(fatal), JobFailed.class).state()).isEqualTo(JobState.DEAD);
        }

        @Test
        void with_a_zero_backoff_a_failed_job_is_waiting_again_at_once() {
            run(enqueue("a", 0).withBackoff(Backoff.fixed(0)));
            var grant = only(run(claimNext("w-1", 1)), JobClaimed.class);

            var events = run(fail("a", "w-1", grant.fencingToken(), 2));

            assertThat(types(events)).containsExactly("JobFailed", "JobReady");
        }
    }

    @Nested
    class LeaseExpiry {

        @Test
        void a_lease_that_runs_out_fails_the_attempt_with_lease_expired_and_the_job_is_retried_after_its_backoff() {
            run(enqueue("a", 0).withLeaseSeconds(10).withBackoff(Backoff.fixed(5)));
            var grant = only(run(claimNext("w-1", 1)), JobClaimed.class);

            assertThat(advanceClockTo(10)).isEmpty();
            var failed = only(advanceClockTo(11), JobFailed.class);

            assertThat(failed.failure()).isEqualTo(FailureKind.LEASE_EXPIRED);
            assertThat(failed.fencingToken()).isEqualTo(grant.fencingToken());
            assertThat(failed.leaseExpiresAt()).isEqualTo(at(11));
            assertThat(failed.state()).isEqualTo(JobState.FAILED_WILL_RETRY);
            assertThat(failed.retryAt()).isEqualTo(at(16));
            assertThat(failed.answersRequest()).isFalse();
            assertThat(types(advanceClockTo(16))).containsExactly("JobReady");
            var again = only(run(claimNext("w-2", 17)), JobClaimed.class);
            assertThat(again.attempt()).isEqualTo(2);
            assertThat(again.fencingToken()).isGreaterThan(grant.fencingToken());
        }

        @Test
        void a_stuck_job_on_its_last_attempt_goes_dead() {
            run(enqueue("a", 0).withLeaseSeconds(10).withMaxAttempts(1));
            run(claimNext("w-1", 1));

            assertThat(only(advanceClockTo(11), JobFailed.class).state()).isEqualTo(JobState.DEAD);
        }

        @Test
        void the_stuck_workers_late_completion_is_refused_with_lease_expired() {
            var grant = running("a", "w-1");
            advanceClockTo(31);

            var refused = only(run(complete("a", "w-1", grant.fencingToken(), 32)), JobRequestRefused.class);

            assertThat(refused.reason()).isEqualTo(JobRefusalReason.LEASE_EXPIRED);
        }
    }

    @Nested
    class Cancel {

        @Test
        void a_cancelled_waiting_job_is_never_handed_out() {
            run(enqueue("a", 0));

            var events = run(cancel("a", 1), claimNext("w-1", 2));

            var cancelled = only(events, JobCancelled.class);
            assertThat(cancelled.previousState()).isEqualTo(JobState.WAITING);
            assertThat(cancelled.workerId()).isNull();
            assertThat(cancelled.requestedBy()).isEqualTo("alice");
            assertThat(handedOut(events)).isEmpty();
        }

        @Test
        void a_cancelled_delayed_job_never_becomes_waiting() {
            run(enqueue("a", 0).withDelaySeconds(10), cancel("a", 1));

            assertThat(advanceClockTo(20)).isEmpty();
            assertThat(handedOut(run(claimNext("w-1", 21)))).isEmpty();
        }

        @Test
        void cancelling_an_active_job_refuses_its_workers_next_heartbeat_with_cancelled() {
            var grant = running("a", "w-1");

            var events = run(
                    cancel("a", 2),
                    heartbeat("a", "w-1", grant.fencingToken(), 3),
                    complete("a", "w-1", grant.fencingToken(), 4));

            var cancelled = only(events, JobCancelled.class);
            assertThat(cancelled.previousState()).isEqualTo(JobState.ACTIVE);
            assertThat(cancelled.workerId()).isEqualTo("w-1");
            assertThat(cancelled.fencingToken()).isEqualTo(grant.fencingToken());
            assertThat(events)
                    .filteredOn(JobRequestRefused.class::isInstance)
                    .extracting(event -> ((JobRequestRefused) event).reason())
                    .containsExactly(JobRefusalReason.CANCELLED, JobRefusalReason.CANCELLED);
            assertThat(advanceClockTo(60)).isEmpty();
        }

        @Test
        void cancelling_an_active_job_frees_its_slot() {
            run(concurrency(1, 0));
            running("a", "w-1");
            run(enqueue("b", 1), claimNext("w-2", 1, 30));

            var events = run(cancel("a", 2));

            assertThat(handedOut(events)).containsExactly("b");
        }

        @Test
        void cancelling_a_finished_job_is_refused() {
            var grant = running("a", "w-1");
            run(complete("a", "w-1", grant.fencingToken(), 2));

            var refused = only(run(cancel("a", 3)), JobRequestRefused.class);

            assertThat(refused.reason()).isEqualTo(JobRefusalReason.JOB_FINISHED);
            assertThat(refused.state()).isEqualTo(JobState.SUCCEEDED);
        }
    }

    @Nested
    class Retry {

        @Test
        void a_dead_job_retried_is_waiting_with_a_fresh_round_of_attempts() {
            run(enqueue("a", 0).withMaxAttempts(1));
            var first = only(run(claimNext("w-1", 1)), JobClaimed.class);
            run(fail("a", "w-1", first.fencingToken(), 2));

            var events = run(retry("a", 3), claimNext("w-2", 4));

            assertThat(only(events, JobRetried.class).previousState()).isEqualTo(JobState.DEAD);
            var again = only(events, JobClaimed.class);
            assertThat(again.attempt()).isEqualTo(1);
            assertThat(again.fencingToken()).isEqualTo(first.fencingToken() + 1);
        }

        @Test
        void a_job_waiting_out_its_backoff_retried_is_waiting_at_once() {
            run(enqueue("a", 0).withBackoff(Backoff.fixed(600)));
            var grant = only(run(claimNext("w-1", 1)), JobClaimed.class);
            run(fail("a", "w-1", grant.fencingToken(), 2));

            var events = run(retry("a", 3), claimNext("w-2", 4));

            assertThat(handedOut(events)).containsExactly("a");
            assertThat(advanceClockTo(700)).noneMatch(JobReady.class::isInstance);
        }

        @Test
        void retrying_a_job_that_has_not_failed_is_refused() {
            run(enqueue("a", 0));

            var refused = only(run(retry("a", 1)), JobRequestRefused.class);

            assertThat(refused.reason()).isEqualTo(JobRefusalReason.NOT_RETRYABLE);
        }

        @Test
        void retrying_a_dead_job_whose_dedup_key_another_job_holds_is_refused() {
            run(enqueue("a", 0).withMaxAttempts(1).withDedupKey("customer-7"));
            var grant = only(run(claimNext("w-1", 1)), JobClaimed.class);
            run(fail("a", "w-1", grant.fencingToken(), 2), enqueue("b", 3).withDedupKey("customer-7"));

            var refused = only(run(retry("a", 4)), JobRequestRefused.class);

            assertThat(refused.reason()).isEqualTo(JobRefusalReason.DEDUP_KEY_TAKEN);
        }
    }

    @Nested
    class Delete {

        @Test
        void a_deleted_job_is_gone_and_its_job_id_may_be_enqueued_again() {
            run(enqueue("a", 0));

            var events = run(delete("a", 1), claimNext("w-1", 2), enqueue("a", 3));

            assertThat(only(events, JobDeleted.class).previousState()).isEqualTo(JobState.WAITING);
            assertThat(handedOut(events)).isEmpty();
            assertThat(only(events, JobEnqueued.class).jobId()).isEqualTo("a");
        }

        @Test
        void an_active_job_may_not_be_deleted() {
            running("a", "w-1");

            var refused = only(run(delete("a", 2)), JobRequestRefused.class);

            assertThat(refused.reason()).isEqualTo(JobRefusalReason.JOB_ACTIVE);
            assertThat(refused.state()).isEqualTo(JobState.ACTIVE);
        }
    }

    @Nested
    class RequestIds {

        @Test
        void a_retried_enqueue_gets_its_original_answer_marked_redelivery() {
            var original = enqueue("a", 0);
            var first = run(original);

            var again = run(original.at(at(5)));

            assertThat(again).containsExactly(first.getFirst().asRedelivery());
        }

        @Test
        void a_retried_claim_next_gets_the_same_job_and_token_and_nothing_else_is_handed_out() {
            run(enqueue("a", 0), enqueue("b", 0));
            var claim = claimNext("w-1", 1);
            var first = only(run(claim), JobClaimed.class);

            var again = only(run(claim.at(at(2))), JobClaimed.class);

            assertThat(again).isEqualTo(first.asRedelivery());
            assertThat(handedOut(run(claimNext("w-2", 3)))).containsExactly("b");
        }

        @Test
        void a_parked_claim_next_asked_again_is_told_it_still_waits_and_later_gets_its_job() {
            var claim = claimNext("w-1", 0, 30);
            var parked = only(run(claim), ClaimNextParked.class);

            var again = run(claim.at(at(3)));
            var later = run(enqueue("a", 4));

            assertThat(again).containsExactly(parked.asRedelivery());
            assertThat(only(later, JobClaimed.class).requestId()).isEqualTo(claim.requestId());
        }

        @Test
        void a_parked_claim_that_got_its_job_asked_again_gets_that_job_again() {
            var claim = claimNext("w-1", 0, 30);
            run(claim);
            var grant = only(run(enqueue("a", 4)), JobClaimed.class);

            assertThat(run(claim.at(at(5)))).containsExactly(grant.asRedelivery());
        }

        @Test
        void a_request_id_reused_for_another_request_is_refused_and_decides_nothing() {
            var original = enqueue("a", 0);
            run(original);
            var reuse = ClaimNextJob.of(QUEUE, original.requestId(), "w-1", 0, at(1));

            var events = run(reuse, claimNext("w-2", 2));

            var refused = (JobRequestRefused) events.getFirst();
            assertThat(refused.reason()).isEqualTo(JobRefusalReason.REQUEST_ID_REUSED);
            assertThat(refused.refused()).isEqualTo(JobRequestKind.CLAIM_NEXT);
            assertThat(handedOut(events)).containsExactly("a");
        }
    }
}
