package dev.turnstile.processor.jobstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.turnstile.contracts.job.AppendJobLogs;
import dev.turnstile.contracts.job.AttachJobArtifact;
import dev.turnstile.contracts.job.CompleteJob;
import dev.turnstile.contracts.job.FailJob;
import dev.turnstile.contracts.job.HeartbeatJob;
import dev.turnstile.contracts.job.JobCommand;
import dev.turnstile.contracts.job.JobState;
import dev.turnstile.contracts.job.WorkerCommand;
import dev.turnstile.processor.jobs.JobRecord;
import dev.turnstile.processor.jobs.JobStateView;
import dev.turnstile.processor.jobs.QueueSummary;
import dev.turnstile.processor.jobs.RememberedJobAnswer;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The simulation catches a broken decider. Each mutant is the production decider with one rule taken away, by
 * showing it a doctored view of the stores or a doctored command; the simulation must fail on it, naming the rule.
 */
class JobSimulationMutantsTest {

    /** Schedules tried per mutant before giving up; every mutant is caught long before. */
    private static final int BUDGET = 3_000;

    enum Mutant {
        IGNORES_THE_CONCURRENCY_LIMIT("the concurrency limit is never exceeded"),
        // An empty paused queue is already told the wrong reason before a job is ever handed out.
        HANDS_OUT_WHILE_PAUSED(
                "a paused queue hands out nothing", "a claim-next that may not wait gets no job, for the true reason"),
        DOES_NOT_CHECK_FENCING_TOKENS(
                "only the worker of the current attempt, with its token, while its lease runs, is heard"),
        IGNORES_PRIORITIES("the waiting job handed out is the first by priority, then arrival"),
        FORGETS_REQUEST_IDS(
                "a retried request gets its original answer", "a reused request id is refused and decides nothing"),
        NEVER_LETS_A_LEASE_RUN_OUT(
                "a lease that runs out fails the attempt",
                "a lease that runs out fails the attempt, retried after its backoff or dead"),
        // The doctored limit shows in the first grant, before any job runs out of attempts.
        ALLOWS_UNLIMITED_ATTEMPTS(
                "attempts never exceed maxAttempts",
                "a grant carries the next attempt, the next token and a lease from now",
                "a failed attempt is retried after its backoff while attempts remain, else dead"),
        IGNORES_DEDUP_KEYS("while a job holds a dedup key, enqueueing another answers that job");

        /** The rules that may name it: the first broken one ends the run. */
        final List<String> rules;

        Mutant(String... rules) {
            this.rules = List.of(rules);
        }
    }

    @ParameterizedTest
    @EnumSource(Mutant.class)
    void the_simulation_catches_a_decider_that(Mutant mutant) {
        var decider = JobSimulation.decider();
        InMemoryJobProcessor.Decide decide = switch (mutant) {
            case IGNORES_THE_CONCURRENCY_LIMIT ->
                (command, view) -> decider.decide(
                        command,
                        withSummary(
                                view,
                                s -> new QueueSummary(
                                        s.sequence(), s.fencingToken(), s.counts(), s.paused(), null, s.waiters())));
            case HANDS_OUT_WHILE_PAUSED ->
                (command, view) -> decider.decide(
                        command,
                        withSummary(
                                view,
                                s -> new QueueSummary(
                                        s.sequence(),
                                        s.fencingToken(),
                                        s.counts(),
                                        false,
                                        s.concurrency(),
                                        s.waiters())));
            case DOES_NOT_CHECK_FENCING_TOKENS ->
                (command, view) -> decider.decide(withHoldersToken(command, view), view);
            case IGNORES_PRIORITIES -> (command, view) -> decider.decide(command, arrivalOrder(view));
            case FORGETS_REQUEST_IDS ->
                (command, view) -> decider.decide(command, new Doctored(view) {
                    @Override
                    public Optional<RememberedJobAnswer> answer(String queue, String requestId) {
                        return Optional.empty();
                    }
                });
            case NEVER_LETS_A_LEASE_RUN_OUT ->
                (command, view) -> decider.decide(
                        command,
                        withJobs(
                                view,
                                job -> job.state() == JobState.ACTIVE
                                        ? copy(job, job.maxAttempts(), Instant.parse("2999-01-01T00:00:00Z"))
                                        : job));
            case ALLOWS_UNLIMITED_ATTEMPTS ->
                (command, view) -> decider.decide(command, withJobs(view, job -> copy(job, 100, job.leaseExpiresAt())));
            case IGNORES_DEDUP_KEYS ->
                (command, view) -> decider.decide(command, new Doctored(view) {
                    @Override
                    public Optional<String> jobWithDedupKey(String queue, String dedupKey) {
                        return Optional.empty();
                    }
                });
        };

        AssertionError caught = null;
        try {
            qt().withFixedSeed(7L)
                    .withExamples(BUDGET)
                    .withShrinkCycles(0)
                    .forAll(JobSchedule.schedules(JobSimulationTest.MAX_STEPS))
                    .checkAssert(schedule -> JobSimulation.run(schedule, "sim", JobSimulation.T0, decide));
        } catch (AssertionError failure) {
            caught = failure;
        }

        assertThat(caught)
                .as(mutant + " is caught within " + BUDGET + " schedules")
                .isNotNull();
        var cause = caught.getMessage().substring(caught.getMessage().indexOf("Cause was"));
        assertThat(mutant.rules).as(cause).anyMatch(rule -> cause.contains("AssertionError: " + rule + "\n"));
    }

    /** A view that answers as the stored one, except where a mutant overrides it. */
    private static class Doctored implements JobStateView {
        private final JobStateView stored;

        Doctored(JobStateView stored) {
            this.stored = stored;
        }

        @Override
        public QueueSummary queue(String queue) {
            return stored.queue(queue);
        }

        @Override
        public Optional<JobRecord> job(String queue, String jobId) {
            return stored.job(queue, jobId);
        }

        @Override
        public List<String> waitingJobIds(String queue, int limit) {
            return stored.waitingJobIds(queue, limit);
        }

        @Override
        public Optional<String> jobWithDedupKey(String queue, String dedupKey) {
            return stored.jobWithDedupKey(queue, dedupKey);
        }

        @Override
        public Optional<RememberedJobAnswer> answer(String queue, String requestId) {
            return stored.answer(queue, requestId);
        }
    }

    private static JobStateView withSummary(JobStateView view, UnaryOperator<QueueSummary> change) {
        return new Doctored(view) {
            @Override
            public QueueSummary queue(String queue) {
                return change.apply(super.queue(queue));
            }
        };
    }

    private static JobStateView withJobs(JobStateView view, UnaryOperator<JobRecord> change) {
        return new Doctored(view) {
            @Override
            public Optional<JobRecord> job(String queue, String jobId) {
                return super.job(queue, jobId).map(change);
            }
        };
    }

    /** Waiting jobs in the order they became waiting, whatever their priority. */
    private static JobStateView arrivalOrder(JobStateView view) {
        return new Doctored(view) {
            @Override
            public List<String> waitingJobIds(String queue, int limit) {
                return super.waitingJobIds(queue, Integer.MAX_VALUE).stream()
                        .sorted(Comparator.comparingLong(
                                id -> super.job(queue, id).orElseThrow().readySequence()))
                        .limit(limit)
                        .toList();
            }
        };
    }

    /** A worker's request presenting whatever token the job's current attempt has: tokens are not checked. */
    private static JobCommand withHoldersToken(JobCommand command, JobStateView view) {
        if (!(command instanceof WorkerCommand<?> report)) {
            return command;
        }
        var job = view.job(command.queue(), report.jobId());
        if (job.isEmpty() || job.get().fencingToken() == 0) {
            return command;
        }
        long token = job.get().fencingToken();
        return switch (report) {
            case HeartbeatJob r ->
                new HeartbeatJob(
                        r.header(), r.jobId(), r.workerId(), token, r.progress(), r.message(), r.requestedAt());
            case CompleteJob r ->
                new CompleteJob(r.header(), r.jobId(), r.workerId(), token, r.result(), r.requestedAt());
            case FailJob r ->
                new FailJob(r.header(), r.jobId(), r.workerId(), token, r.error(), r.retryable(), r.requestedAt());
            case AppendJobLogs r ->
                new AppendJobLogs(r.header(), r.jobId(), r.workerId(), token, r.lines(), r.requestedAt());
            case AttachJobArtifact r ->
                new AttachJobArtifact(
                        r.header(),
                        r.jobId(),
                        r.workerId(),
                        token,
                        r.name(),
                        r.uri(),
                        r.bytes(),
                        r.sha256(),
                        r.contentType(),
                        r.requestedAt());
        };
    }

    private static JobRecord copy(JobRecord job, int maxAttempts, Instant leaseExpiresAt) {
        return new JobRecord(
                job.jobId(),
                job.name(),
                job.payload(),
                job.priority(),
                maxAttempts,
                job.backoff(),
                job.leaseSeconds(),
                job.dedupKey(),
                job.state(),
                job.dueAt(),
                job.readySequence(),
                job.attempt(),
                job.fencingToken(),
                job.workerId(),
                leaseExpiresAt,
                job.lastAttemptEnd());
    }
}
