package dev.turnstile.processor.jobstream;

import static dev.turnstile.processor.jobstream.JobSchedule.BACKOFFS;
import static dev.turnstile.processor.jobstream.JobSchedule.CONCURRENCY;
import static dev.turnstile.processor.jobstream.JobSchedule.DEDUP_KEYS;
import static dev.turnstile.processor.jobstream.JobSchedule.DELAYS;
import static dev.turnstile.processor.jobstream.JobSchedule.LEASES;
import static dev.turnstile.processor.jobstream.JobSchedule.MAX_ATTEMPTS;
import static dev.turnstile.processor.jobstream.JobSchedule.PRIORITIES;
import static dev.turnstile.processor.jobstream.JobSchedule.WAITS;

import dev.turnstile.contracts.job.AppendJobLogs;
import dev.turnstile.contracts.job.AttachJobArtifact;
import dev.turnstile.contracts.job.CancelJob;
import dev.turnstile.contracts.job.ClaimNextJob;
import dev.turnstile.contracts.job.CompleteJob;
import dev.turnstile.contracts.job.ConfigureQueue;
import dev.turnstile.contracts.job.DeleteJob;
import dev.turnstile.contracts.job.EnqueueJob;
import dev.turnstile.contracts.job.FailJob;
import dev.turnstile.contracts.job.HeartbeatJob;
import dev.turnstile.contracts.job.JobClaimed;
import dev.turnstile.contracts.job.JobCommand;
import dev.turnstile.contracts.job.JobCommandHeader;
import dev.turnstile.contracts.job.JobDueCheck;
import dev.turnstile.contracts.job.JobEvent;
import dev.turnstile.contracts.job.JobRequest;
import dev.turnstile.contracts.job.LeaseDueCheck;
import dev.turnstile.contracts.job.PauseQueue;
import dev.turnstile.contracts.job.ResumeQueue;
import dev.turnstile.contracts.job.RetryJob;
import dev.turnstile.contracts.job.WaitDueCheck;
import dev.turnstile.contracts.json.Json;
import dev.turnstile.processor.jobs.JobDecider;
import dev.turnstile.processor.jobs.JobDecision;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Runs a {@link JobSchedule} against the job processor the way Kafka Streams would, minus Kafka: the production
 * decider, view, store writer and timer scan over in-memory tables, one command at a time in log order, the timer
 * scan appending its commands to the log, crashes rolling the stores back to an earlier commit and deciding the rest
 * of the log again. Every command and its decision go to the {@link JobHistoryChecker}. Deterministic: the same
 * schedule always yields the same run.
 */
final class JobSimulation {

    static final Instant T0 = Instant.parse("2026-11-26T00:00:00Z");

    /** Short, so that schedules reach the end of a request id's memory. */
    static final Duration REQUEST_MEMORY = Duration.ofSeconds(300);

    /** Small, so that schedules reach the bound. */
    static final int MAX_PARKED = 3;

    static final JsonNode PAYLOAD = Json.MAPPER.readTree("{\"n\":1}");

    private final String queue;
    private final InMemoryJobProcessor processor;
    private final InMemoryJobProcessor.Decide decide;
    private final JobHistoryChecker checker;
    private final List<JobCommand> log = new ArrayList<>();
    private final List<JobDecision> decided = new ArrayList<>();
    /** Where each command's commit ends in the stores' undo journal. */
    private final List<Integer> commits = new ArrayList<>();

    private final List<JobRequest<?>> sent = new ArrayList<>();
    /** The last job each worker was handed, as the worker heard it: job id and token. */
    private final Map<Integer, JobClaimed> held = new HashMap<>();

    private Instant now;
    private int nextRequest;
    private int crashes;

    private JobSimulation(String queue, Instant start, InMemoryJobProcessor.Decide decide) {
        this.queue = queue;
        this.now = start;
        this.decide = decide;
        this.processor = new InMemoryJobProcessor(decide);
        this.checker = new JobHistoryChecker(queue, REQUEST_MEMORY, MAX_PARKED);
    }

    static JobDecider decider() {
        return new JobDecider(REQUEST_MEMORY, MAX_PARKED);
    }

    /** Runs {@code schedule} on queue {@code sim}; throws {@link AssertionError} at the first broken invariant. */
    static JobSimulation run(JobSchedule schedule) {
        return run(schedule, "sim", T0, decider()::decide);
    }

    /** Runs {@code schedule} on {@code queue} from {@code start}, deciding with {@code decide}. */
    static JobSimulation run(JobSchedule schedule, String queue, Instant start, InMemoryJobProcessor.Decide decide) {
        var simulation = new JobSimulation(queue, start, decide);
        for (var step : schedule.steps()) {
            simulation.step(step);
        }
        simulation.finish();
        return simulation;
    }

    /** The command log, in order, timer commands included. */
    List<JobCommand> log() {
        return List.copyOf(log);
    }

    /** Every event, in order. */
    List<JobEvent> events() {
        return decided.stream().flatMap(decision -> decision.events().stream()).toList();
    }

    int crashes() {
        return crashes;
    }

    private void step(JobSchedule.Step step) {
        switch (step) {
            case JobSchedule.Enqueue e -> send(enqueueOf(e));
            case JobSchedule.ClaimNext c ->
                send(ClaimNextJob.of(queue, nextId(), worker(c.worker()), WAITS[c.waitIndex()], now));
            case JobSchedule.Report r -> send(reportOf(r));
            case JobSchedule.Operate o ->
                send(
                        switch (o.operation()) {
                            case CANCEL -> CancelJob.of(queue, nextId(), job(o.job()), "operator", now);
                            case RETRY -> RetryJob.of(queue, nextId(), job(o.job()), "operator", now);
                            case DELETE -> DeleteJob.of(queue, nextId(), job(o.job()), null, now);
                        });
            case JobSchedule.Queue q ->
                send(
                        switch (q.action()) {
                            case PAUSE -> PauseQueue.of(queue, nextId(), "operator", now);
                            case RESUME -> ResumeQueue.of(queue, nextId(), "operator", now);
                            case CONFIGURE ->
                                ConfigureQueue.of(queue, nextId(), CONCURRENCY[q.concurrency()], "operator", now);
                        });
            case JobSchedule.Resend r -> {
                if (!sent.isEmpty()) {
                    append(resent(sent.get(r.index() % sent.size()), now));
                }
            }
            case JobSchedule.ReuseId r -> {
                if (!sent.isEmpty()) {
                    var reused = sent.get(r.index() % sent.size()).requestId();
                    append(ClaimNextJob.of(queue, reused, worker(r.worker()), 0, now));
                }
            }
            case JobSchedule.Advance a -> now = now.plusSeconds(a.seconds());
            case JobSchedule.Tick t ->
                processor.takeDueTimers(now.toEpochMilli()).forEach(this::append);
            case JobSchedule.Crash c -> crash(c.back());
        }
    }

    private EnqueueJob enqueueOf(JobSchedule.Enqueue e) {
        return new EnqueueJob(
                JobCommandHeader.of(queue, nextId()),
                job(e.job()),
                "task",
                PAYLOAD,
                PRIORITIES[e.priority()],
                null,
                (long) DELAYS[e.delay()],
                MAX_ATTEMPTS[e.attempts()],
                BACKOFFS[e.backoff()],
                LEASES[e.lease()],
                DEDUP_KEYS[e.dedup()],
                now);
    }

    private JobRequest<?> reportOf(JobSchedule.Report report) {
        var worker = worker(report.worker());
        var last = held.get(report.worker());
        var jobId = last == null ? job(0) : last.jobId();
        long token = Math.max(1, (last == null ? 1 : last.fencingToken()) + report.tokenOffset());
        return switch (report.action()) {
            case HEARTBEAT -> HeartbeatJob.of(queue, nextId(), jobId, worker, token, 50, "busy", now);
            case COMPLETE -> CompleteJob.of(queue, nextId(), jobId, worker, token, PAYLOAD, now);
            case FAIL -> FailJob.of(queue, nextId(), jobId, worker, token, "boom", true, now);
            case FAIL_FOR_GOOD -> FailJob.of(queue, nextId(), jobId, worker, token, "bad input", false, now);
            case LOGS -> AppendJobLogs.of(queue, nextId(), jobId, worker, token, List.of("line"), now);
        };
    }

    private String nextId() {
        return "req-" + nextRequest++;
    }

    private static String worker(int index) {
        return "worker-" + index;
    }

    private static String job(int index) {
        return "job-" + index;
    }

    private void send(JobRequest<?> request) {
        sent.add(request);
        append(request);
    }

    /** The processor decides the next command of the log; its stores are committed at once. */
    private void append(JobCommand command) {
        log.add(command);
        var decision = processor.process(command);
        decided.add(decision);
        commits.add(processor.tables().mark());
        checker.decided(command, decision);
        for (var event : decision.events()) {
            if (event instanceof JobClaimed claimed) {
                held.put(Integer.parseInt(claimed.workerId().substring("worker-".length())), claimed);
            }
        }
    }

    /**
     * The processor's stores go back to the commit {@code back} commands ago (its later output aborted) and it
     * decides the rest of the log again: every decision must come out as before. Timer scans since that commit are
     * lost with it, so later scans may append some timer commands again; deciding those changes nothing.
     */
    private void crash(int back) {
        if (log.isEmpty()) {
            return;
        }
        crashes++;
        int from = Math.max(0, log.size() - back);
        processor.tables().rollBackTo(from == 0 ? 0 : commits.get(from - 1));
        for (int i = from; i < log.size(); i++) {
            var again = processor.process(log.get(i));
            checker.redecided(log.get(i), decided.get(i), again);
            commits.set(i, processor.tables().mark());
        }
    }

    /** End of the run: replaying the log from offset 0 reproduces every event byte for byte; nothing was lost. */
    private void finish() {
        var replay = new InMemoryJobProcessor(decide);
        var replayed = new ArrayList<JobDecision>();
        for (var command : log) {
            replayed.add(replay.process(command));
        }
        checker.replayed(log, decided, replayed);
        checker.finished(processor.tables());
    }

    /** The same request sent again at {@code at}: a client retry. */
    static JobRequest<?> resent(JobRequest<?> request, Instant at) {
        return switch (request) {
            case EnqueueJob r -> r.at(at);
            case ClaimNextJob r -> r.at(at);
            case HeartbeatJob r -> r.at(at);
            case CompleteJob r -> r.at(at);
            case FailJob r -> r.at(at);
            case AppendJobLogs r -> r.at(at);
            case AttachJobArtifact r -> r.at(at);
            case CancelJob r -> r.at(at);
            case RetryJob r -> r.at(at);
            case DeleteJob r -> r.at(at);
            case PauseQueue r -> r.at(at);
            case ResumeQueue r -> r.at(at);
            case ConfigureQueue r -> r.at(at);
        };
    }

    /** Timer commands as the processor appends them, for the checker's statistics. */
    static boolean isTimer(JobCommand command) {
        return command instanceof JobDueCheck || command instanceof LeaseDueCheck || command instanceof WaitDueCheck;
    }
}
