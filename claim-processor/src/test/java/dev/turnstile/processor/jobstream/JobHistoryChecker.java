package dev.turnstile.processor.jobstream;

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
import dev.turnstile.contracts.job.JobDueCheck;
import dev.turnstile.contracts.job.JobEnqueued;
import dev.turnstile.contracts.job.JobEvent;
import dev.turnstile.contracts.job.JobEventHeader;
import dev.turnstile.contracts.job.JobFailed;
import dev.turnstile.contracts.job.JobHeartbeatReceived;
import dev.turnstile.contracts.job.JobLogsAppended;
import dev.turnstile.contracts.job.JobReady;
import dev.turnstile.contracts.job.JobRefusalReason;
import dev.turnstile.contracts.job.JobRequest;
import dev.turnstile.contracts.job.JobRequestRefused;
import dev.turnstile.contracts.job.JobRetried;
import dev.turnstile.contracts.job.JobState;
import dev.turnstile.contracts.job.JobSucceeded;
import dev.turnstile.contracts.job.LeaseDueCheck;
import dev.turnstile.contracts.job.NoJobAvailable;
import dev.turnstile.contracts.job.NoJobReason;
import dev.turnstile.contracts.job.OperatorCommand;
import dev.turnstile.contracts.job.PauseQueue;
import dev.turnstile.contracts.job.QueueConfigured;
import dev.turnstile.contracts.job.QueuePaused;
import dev.turnstile.contracts.job.QueueResumed;
import dev.turnstile.contracts.job.ResumeQueue;
import dev.turnstile.contracts.job.RetryJob;
import dev.turnstile.contracts.job.TimerCommand;
import dev.turnstile.contracts.job.WaitDueCheck;
import dev.turnstile.contracts.job.WorkerCommand;
import dev.turnstile.contracts.topic.JobTopics;
import dev.turnstile.processor.jobs.JobDecision;
import dev.turnstile.processor.jobs.RememberedJobAnswer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Checks a queue's history against the rules of work queues with a model of its own that never asks the decider
 * what it would do: after every command, its events must be exactly what the model allows, and what the model
 * requires must have happened. The rules (each failure's first line names one):
 *
 * <ul>
 *   <li>events are numbered 1, 2, 3, … per queue and named {@code <queue>#<sequence>};
 *   <li>no job is lost: every enqueued job is pending, succeeded, dead, cancelled or deleted, and the stores agree;
 *   <li>a job is handed out only while waiting, so never active under two valid tokens, and only the worker of its
 *       current attempt, with that attempt's token, while its lease runs, is heard;
 *   <li>attempts never exceed {@code maxAttempts}; a cancelled job is never handed out again;
 *   <li>the concurrency limit is never exceeded; a paused queue hands out nothing;
 *   <li>the waiting job handed out is the first by priority, then by the order jobs became waiting;
 *   <li>fencing tokens of the queue are 1, 2, 3, …; parked claims are served first parked first, and no job waits
 *       while a claim is parked and a job may be handed out;
 *   <li>delays, backoffs, leases and parked waits end exactly at their time, never earlier;
 *   <li>a retried request gets its original answer; a reused id is refused and decides nothing;
 *   <li>a processor that crashes and decides again produces the same events; replaying the log from offset 0
 *       reproduces every event byte for byte.
 * </ul>
 */
final class JobHistoryChecker {

    private static final class Job {
        String id;
        String name;
        int priority;
        int maxAttempts;
        Backoff backoff;
        int lease;
        String dedupKey;
        JobState state;
        Instant dueAt;
        long readyOrder;
        int attempt;
        long token;
        String worker;
        Instant leaseExpiresAt;
        String lastEnd;
        boolean everCancelled;
        tools.jackson.databind.JsonNode payload;

        boolean holdsDedupKey() {
            return dedupKey != null && !state.finished();
        }
    }

    private record Waiter(String requestId, String worker, int waitSeconds, Instant until, long sequence, Instant at) {
        String fingerprint() {
            return ClaimNextJob.fingerprint(worker, waitSeconds);
        }
    }

    private record Answer(String fingerprint, JobEvent event, Instant at) {}

    private final String queue;
    private final Duration requestMemory;
    private final int maxParked;
    private final Map<String, Job> jobs = new LinkedHashMap<>();
    private final List<Waiter> waiters = new ArrayList<>();
    private final Map<String, Answer> answers = new LinkedHashMap<>();
    /** Commands and their events, kept as they are and written out only when a rule breaks. */
    private final List<Object[]> history = new ArrayList<>();

    private long sequence;
    private long lastToken;
    private boolean paused;
    private Integer concurrency;

    /** The decision being checked. */
    private List<JobDecision.Decided> current;

    private int cursor;
    private Instant now;
    private Map<String, Answer> rememberedNow;

    JobHistoryChecker(String queue, Duration requestMemory, int maxParked) {
        this.queue = queue;
        this.requestMemory = requestMemory;
        this.maxParked = maxParked;
    }

    /** A command of the log and what it decided, in log order. */
    void decided(JobCommand command, JobDecision decision) {
        history.add(new Object[] {command, decision});
        current = decision.decided();
        cursor = 0;
        now = command.timestamp();
        rememberedNow = new LinkedHashMap<>();
        require(command.queue().equals(queue), "commands are of the simulated queue", () -> command.toString());

        answerExpiredWaits();
        switch (command) {
            case JobRequest<?> request -> request(request);
            case TimerCommand timer -> timer(timer);
        }
        while (cursor < current.size()) {
            var waiter = waiters.isEmpty() ? null : waiters.getFirst();
            require(
                    waiter != null,
                    "a decision ends by handing jobs to parked claims, and with nothing else",
                    () -> "unexpected " + peek());
            grant(waiter.requestId(), waiter.worker(), waiter.fingerprint());
        }
        require(
                waiters.isEmpty() || whyNothing() != null,
                "no job waits while a claim is parked and a job may be handed out",
                () -> "waiters " + waiters);
        var remembered = decision.remember().stream()
                .collect(Collectors.toMap(
                        RememberedJobAnswer::requestId,
                        answer -> new Answer(answer.fingerprint(), answer.answer(), answer.answeredAt()),
                        (a, b) -> b,
                        LinkedHashMap::new));
        require(
                remembered.equals(rememberedNow),
                "every answer is remembered under its request id, and only answers",
                () -> "remembered " + remembered.keySet() + ", expected " + rememberedNow.keySet());
        answers.putAll(rememberedNow);
    }

    /** A command decided again after a crash: the same events, the same answers, as the first time. */
    void redecided(JobCommand command, JobDecision first, JobDecision again) {
        require(
                first.equals(again),
                "a processor that crashes and decides again produces the same events",
                () -> command + "\n first: " + first.events() + "\n again: " + again.events());
    }

    /** The whole log replayed from offset 0 into a fresh processor. */
    void replayed(List<JobCommand> log, List<JobDecision> original, List<JobDecision> replayed) {
        var serde = JobTopics.DEFAULT.events().valueSerde().serializer();
        for (int i = 0; i < log.size(); i++) {
            var command = log.get(i);
            var before = original.get(i).decided();
            var after = replayed.get(i).decided();
            require(
                    before.size() == after.size(),
                    "replaying the log reproduces every event byte for byte",
                    () -> command + ": " + before + " vs " + after);
            for (int j = 0; j < before.size(); j++) {
                var first = before.get(j);
                var again = after.get(j);
                require(
                        Arrays.equals(
                                        serde.serialize("job-events", first.event()),
                                        serde.serialize("job-events", again.event()))
                                && Objects.equals(first.answers(), again.answers()),
                        "replaying the log reproduces every event byte for byte",
                        () -> first + " vs " + again);
            }
        }
    }

    /** End of the run: the stores hold what the model holds, indexes included. Nothing was lost. */
    void finished(InMemoryJobTables tables) {
        var stored = tables.jobMap();
        require(
                stored.keySet()
                        .equals(jobs.keySet().stream()
                                .map(id -> queue + "|" + id)
                                .collect(Collectors.toSet())),
                "no job is lost: every enqueued job is stored until deleted",
                () -> stored.keySet() + " vs " + jobs.keySet());
        for (var job : jobs.values()) {
            var record = stored.get(queue + "|" + job.id);
            require(
                    record.state() == job.state
                            && record.attempt() == job.attempt
                            && record.fencingToken() == job.token
                            && Objects.equals(record.workerId(), job.worker),
                    "no job is lost: the stored record is where the events left the job",
                    () -> record + " vs " + job.state);
        }
        var summary = tables.queueMap().get(queue);
        if (summary != null) {
            for (var state : JobState.values()) {
                require(
                        summary.counts().of(state)
                                == jobs.values().stream()
                                        .filter(job -> job.state == state)
                                        .count(),
                        "no job is lost: the queue counts every job in its state",
                        () -> state + " in " + summary);
            }
            require(
                    summary.fencingToken() == lastToken
                            && summary.sequence() == sequence
                            && summary.paused() == paused
                            && Objects.equals(summary.concurrency(), concurrency),
                    "the stored summary is what the events fold to",
                    () -> summary.toString());
        }
        var waitingOrder = jobs.values().stream()
                .filter(job -> job.state == JobState.WAITING)
                .sorted(Comparator.comparingInt((Job job) -> -job.priority).thenComparingLong(job -> job.readyOrder))
                .map(job -> job.id)
                .toList();
        require(
                List.copyOf(tables.waitingMap().values()).equals(waitingOrder),
                "the waiting index holds the waiting jobs in hand-out order",
                () -> tables.waitingMap() + " vs " + waitingOrder);
        var holders = jobs.values().stream()
                .filter(Job::holdsDedupKey)
                .collect(Collectors.toMap(job -> queue + "|" + job.dedupKey, job -> job.id));
        require(
                tables.dedupMap().equals(holders),
                "the dedup index holds the unfinished jobs' keys",
                () -> tables.dedupMap() + " vs " + holders);
    }

    private void answerExpiredWaits() {
        for (var waiter : List.copyOf(waiters)) {
            if (!waiter.until().isAfter(now)) {
                var decided = next("a parked claim whose wait is over gets no job before anything else is decided");
                expect(
                        decided,
                        new NoJobAvailable(decided.event().header(), waiter.worker(), NoJobReason.WAIT_EXPIRED),
                        waiter.fingerprint(),
                        "a parked claim whose wait is over gets no job");
                waiters.remove(waiter);
                remember(waiter.requestId(), waiter.fingerprint(), decided.event());
            }
        }
    }

    private void request(JobRequest<?> request) {
        var fingerprint = request.fingerprint();
        var earlier = answers.containsKey(request.requestId())
                ? answers.get(request.requestId())
                : rememberedNow.get(request.requestId());
        if (earlier != null && earlier.at().plus(requestMemory).isAfter(now)) {
            var decided = next("a retried request gets its original answer");
            if (earlier.fingerprint().equals(fingerprint)) {
                require(
                        decided.event().equals(earlier.event().asRedelivery()) && fingerprint.equals(decided.answers()),
                        "a retried request gets its original answer",
                        () -> decided + " vs " + earlier.event());
            } else {
                expectRefusal(
                        decided,
                        request,
                        JobRefusalReason.REQUEST_ID_REUSED,
                        null,
                        "a reused request id is refused and decides nothing");
            }
            return;
        }
        var parked = waiters.stream()
                .filter(waiter -> waiter.requestId().equals(request.requestId()))
                .findFirst();
        if (parked.isPresent()) {
            var waiter = parked.get();
            var decided = next("a parked claim asked again is told it waits");
            if (waiter.fingerprint().equals(fingerprint)) {
                var header = new JobEventHeader(
                        1,
                        queue + "#" + waiter.sequence(),
                        waiter.sequence(),
                        queue,
                        waiter.requestId(),
                        waiter.at(),
                        true);
                require(
                        decided.event()
                                        .equals(new ClaimNextParked(
                                                header, waiter.worker(), waiter.waitSeconds(), waiter.until()))
                                && fingerprint.equals(decided.answers()),
                        "a parked claim asked again is told it waits",
                        () -> decided.toString());
            } else {
                expectRefusal(
                        decided,
                        request,
                        JobRefusalReason.REQUEST_ID_REUSED,
                        null,
                        "a reused request id is refused and decides nothing");
            }
            return;
        }
        switch (request) {
            case EnqueueJob enqueue -> enqueue(enqueue);
            case ClaimNextJob claim -> claimNext(claim);
            case WorkerCommand<?> report -> report(report);
            case OperatorCommand<?> operation -> operate(operation);
        }
    }

    private void enqueue(EnqueueJob enqueue) {
        var decided = next("an enqueue is answered");
        var header = decided.event().header();
        var fingerprint = enqueue.fingerprint();
        var sameId = jobs.get(enqueue.jobId());
        var sameKey = enqueue.dedupKey() == null
                ? null
                : jobs.values().stream()
                        .filter(job -> job.holdsDedupKey() && job.dedupKey.equals(enqueue.dedupKey()))
                        .findFirst()
                        .orElse(null);
        if (sameId != null) {
            expect(
                    decided,
                    new JobAlreadyEnqueued(header, sameId.id, enqueue.jobId(), DedupMatch.JOB_ID, sameId.state),
                    fingerprint,
                    "enqueueing a job id the queue holds answers that job and adds nothing");
        } else if (sameKey != null) {
            expect(
                    decided,
                    new JobAlreadyEnqueued(header, sameKey.id, enqueue.jobId(), DedupMatch.DEDUP_KEY, sameKey.state),
                    fingerprint,
                    "while a job holds a dedup key, enqueueing another answers that job");
        } else {
            var state = enqueue.dueAt().isAfter(now) ? JobState.DELAYED : JobState.WAITING;
            expect(
                    decided,
                    new JobEnqueued(
                            header,
                            enqueue.jobId(),
                            enqueue.name(),
                            enqueue.payload(),
                            enqueue.priority(),
                            enqueue.dueAt(),
                            enqueue.maxAttempts(),
                            enqueue.backoff(),
                            enqueue.leaseSeconds(),
                            enqueue.dedupKey(),
                            state),
                    fingerprint,
                    "a new job is enqueued, delayed exactly until its time");
            var job = new Job();
            job.id = enqueue.jobId();
            job.name = enqueue.name();
            job.payload = enqueue.payload();
            job.priority = enqueue.priority();
            job.maxAttempts = enqueue.maxAttempts();
            job.backoff = enqueue.backoff();
            job.lease = enqueue.leaseSeconds();
            job.dedupKey = enqueue.dedupKey();
            job.state = state;
            job.dueAt = state == JobState.DELAYED ? enqueue.dueAt() : null;
            job.readyOrder = header.sequence();
            jobs.put(job.id, job);
        }
        remember(enqueue.requestId(), fingerprint, decided.event());
    }

    private void claimNext(ClaimNextJob claim) {
        var nothing = whyNothing();
        if (nothing == null || peek().event() instanceof JobClaimed) {
            grant(claim.requestId(), claim.workerId(), claim.fingerprint());
            return;
        }
        var decided = next("a claim-next is answered or parked");
        var header = decided.event().header();
        if (claim.waitSeconds() == 0 || waiters.size() >= maxParked) {
            var reason = claim.waitSeconds() == 0 ? nothing : NoJobReason.TOO_MANY_WAITERS;
            expect(
                    decided,
                    new NoJobAvailable(header, claim.workerId(), reason),
                    claim.fingerprint(),
                    "a claim-next that may not wait gets no job, for the true reason");
            remember(claim.requestId(), claim.fingerprint(), decided.event());
        } else {
            expect(
                    decided,
                    new ClaimNextParked(
                            header, claim.workerId(), claim.waitSeconds(), now.plusSeconds(claim.waitSeconds())),
                    null,
                    "a claim-next with nothing to hand out is parked");
            waiters.add(new Waiter(
                    claim.requestId(),
                    claim.workerId(),
                    claim.waitSeconds(),
                    now.plusSeconds(claim.waitSeconds()),
                    header.sequence(),
                    now));
        }
    }

    /** Why nothing can be handed out now, or null when the next waiting job can. */
    private NoJobReason whyNothing() {
        if (paused) {
            return NoJobReason.QUEUE_PAUSED;
        }
        if (concurrency != null && active() >= concurrency) {
            return NoJobReason.CONCURRENCY_LIMIT;
        }
        return firstWaiting() == null ? NoJobReason.QUEUE_EMPTY : null;
    }

    private long active() {
        return jobs.values().stream()
                .filter(job -> job.state == JobState.ACTIVE)
                .count();
    }

    private Job firstWaiting() {
        return jobs.values().stream()
                .filter(job -> job.state == JobState.WAITING)
                .min(Comparator.comparingInt((Job job) -> -job.priority).thenComparingLong(job -> job.readyOrder))
                .orElse(null);
    }

    private void grant(String requestId, String worker, String fingerprint) {
        var decided = next("a job that may be handed out is handed out");
        require(
                decided.event() instanceof JobClaimed,
                "a job that may be handed out is handed out",
                () -> "got " + decided.event());
        var claimed = (JobClaimed) decided.event();
        require(!paused, "a paused queue hands out nothing", () -> claimed.toString());
        require(
                concurrency == null || active() < concurrency,
                "the concurrency limit is never exceeded",
                () -> "limit " + concurrency + ", active " + active());
        var job = jobs.get(claimed.jobId());
        require(
                job == null || !job.everCancelled,
                "a cancelled job is never handed out again",
                () -> claimed.toString());
        require(
                job != null && job.state == JobState.WAITING,
                "a job is handed out only while waiting, so never active under two valid tokens",
                () -> claimed + " of " + (job == null ? "no job" : job.state));
        require(
                job == firstWaiting(),
                "the waiting job handed out is the first by priority, then arrival",
                () -> claimed.jobId() + " instead of " + firstWaiting().id);
        require(
                claimed.fencingToken() == lastToken + 1,
                "fencing tokens of the queue are 1, 2, 3, …",
                () -> "token " + claimed.fencingToken() + " after " + lastToken);
        require(
                job.attempt + 1 <= job.maxAttempts,
                "attempts never exceed maxAttempts",
                () -> "attempt " + (job.attempt + 1) + " of " + job.maxAttempts);
        require(whyNothing() == null, "a job is handed out only when one may be", () -> "but " + whyNothing());
        expect(
                decided,
                new JobClaimed(
                        decided.event().header(),
                        job.id,
                        worker,
                        job.attempt + 1,
                        lastToken + 1,
                        job.lease,
                        now.plusSeconds(job.lease),
                        job.name,
                        job.payload,
                        job.priority,
                        job.maxAttempts),
                fingerprint,
                "a grant carries the next attempt, the next token and a lease from now");
        require(
                requestId.equals(claimed.requestId()),
                "a grant answers the claim-next it was handed to",
                () -> claimed.requestId() + " vs " + requestId);
        job.state = JobState.ACTIVE;
        job.attempt++;
        job.token = claimed.fencingToken();
        job.worker = worker;
        job.leaseExpiresAt = claimed.leaseExpiresAt();
        job.lastEnd = null;
        lastToken = claimed.fencingToken();
        waiters.removeIf(waiter -> waiter.requestId().equals(requestId));
        remember(requestId, fingerprint, claimed);
    }

    private void report(WorkerCommand<?> report) {
        var job = jobs.get(report.jobId());
        if (job != null && job.state == JobState.ACTIVE && !job.leaseExpiresAt.isAfter(now)) {
            var decided = next("a lease found run out fails the attempt before anything else about the job");
            fail(
                    decided,
                    job,
                    FailureKind.LEASE_EXPIRED,
                    decided.event() instanceof JobFailed failed ? failed.error() : "?",
                    true,
                    null);
        }
        var reason = refusalReason(report, job);
        var decided = next("a worker's request is answered");
        var fingerprint = report.fingerprint();
        if (reason != null) {
            expectRefusal(
                    decided,
                    report,
                    reason,
                    job,
                    "only the worker of the current attempt, with its token, while its lease runs, is heard");
            remember(report.requestId(), fingerprint, decided.event());
            return;
        }
        var header = decided.event().header();
        switch (report) {
            case HeartbeatJob heartbeat -> {
                var extended = now.plusSeconds(job.lease);
                var expiresAt = extended.isAfter(job.leaseExpiresAt) ? extended : job.leaseExpiresAt;
                expect(
                        decided,
                        new JobHeartbeatReceived(
                                header,
                                job.id,
                                job.worker,
                                job.attempt,
                                job.token,
                                expiresAt,
                                heartbeat.progress(),
                                heartbeat.message()),
                        fingerprint,
                        "a heartbeat extends the lease from its own time, never shortening it");
                job.leaseExpiresAt = expiresAt;
            }
            case CompleteJob complete -> {
                expect(
                        decided,
                        new JobSucceeded(header, job.id, job.worker, job.attempt, job.token, complete.result()),
                        fingerprint,
                        "the holder's completion succeeds the job");
                job.state = JobState.SUCCEEDED;
                job.lastEnd = "succeeded";
            }
            case FailJob failure ->
                fail(decided, job, FailureKind.WORKER_FAILED, failure.error(), failure.retryable(), fingerprint);
            case AppendJobLogs logs ->
                expect(
                        decided,
                        new JobLogsAppended(header, job.id, job.worker, job.attempt, job.token, logs.lines()),
                        fingerprint,
                        "the holder's log lines are appended");
            case AttachJobArtifact artifact ->
                expect(
                        decided,
                        new JobArtifactAttached(
                                header,
                                job.id,
                                job.worker,
                                job.attempt,
                                job.token,
                                artifact.name(),
                                artifact.uri(),
                                artifact.bytes(),
                                artifact.sha256(),
                                artifact.contentType()),
                        fingerprint,
                        "the holder's artifact is attached");
        }
        if (!(report instanceof FailJob)) {
            remember(report.requestId(), fingerprint, decided.event());
        }
    }

    private JobRefusalReason refusalReason(WorkerCommand<?> report, Job job) {
        if (job == null) {
            return JobRefusalReason.UNKNOWN_JOB;
        }
        if (job.token != report.fencingToken()) {
            return JobRefusalReason.STALE_TOKEN;
        }
        if (!report.workerId().equals(job.worker)) {
            return JobRefusalReason.NOT_HOLDER;
        }
        if (job.state == JobState.ACTIVE) {
            return null;
        }
        return switch (job.lastEnd) {
            case "succeeded" -> JobRefusalReason.ALREADY_COMPLETED;
            case "failed" -> JobRefusalReason.ALREADY_FAILED;
            case "lease_expired" -> JobRefusalReason.LEASE_EXPIRED;
            case "cancelled" -> JobRefusalReason.CANCELLED;
            default -> throw new AssertionError("model: attempt end " + job.lastEnd);
        };
    }

    /** An attempt fails: retried after its backoff while attempts remain and it may be, else dead. */
    private void fail(
            JobDecision.Decided decided,
            Job job,
            FailureKind failure,
            String error,
            boolean retryable,
            String fingerprint) {
        var retries = retryable && job.attempt < job.maxAttempts;
        var retryAt = retries ? now.plus(job.backoff.delayAfter(job.attempt)) : null;
        expect(
                decided,
                new JobFailed(
                        decided.event().header(),
                        job.id,
                        job.worker,
                        job.attempt,
                        job.token,
                        failure,
                        error,
                        retryable,
                        retries ? JobState.FAILED_WILL_RETRY : JobState.DEAD,
                        retryAt,
                        failure == FailureKind.LEASE_EXPIRED ? job.leaseExpiresAt : null),
                fingerprint,
                failure == FailureKind.LEASE_EXPIRED
                        ? "a lease that runs out fails the attempt, retried after its backoff or dead"
                        : "a failed attempt is retried after its backoff while attempts remain, else dead");
        require(failure == FailureKind.WORKER_FAILED || !error.isEmpty(), "a lease failure says why", () -> error);
        job.state = retries ? JobState.FAILED_WILL_RETRY : JobState.DEAD;
        job.dueAt = retryAt;
        job.lastEnd = failure == FailureKind.LEASE_EXPIRED ? "lease_expired" : "failed";
        if (fingerprint != null) {
            remember(decided.event().requestId(), fingerprint, decided.event());
        }
        if (retries && !retryAt.isAfter(now)) {
            ready(job, "a failed job whose backoff is zero is waiting at once");
        }
    }

    private void ready(Job job, String rule) {
        var decided = next(rule);
        expect(decided, new JobReady(decided.event().header(), job.id, job.state), null, rule);
        job.state = JobState.WAITING;
        job.dueAt = null;
        job.readyOrder = decided.event().sequence();
    }

    private void operate(OperatorCommand<?> operation) {
        var decided = next("an operator's request is answered");
        var header = decided.event().header();
        var fingerprint = operation.fingerprint();
        switch (operation) {
            case CancelJob cancel -> {
                var job = jobs.get(cancel.jobId());
                if (job == null || job.state.finished()) {
                    expectRefusal(
                            decided,
                            cancel,
                            job == null ? JobRefusalReason.UNKNOWN_JOB : JobRefusalReason.JOB_FINISHED,
                            job,
                            "only an unfinished job can be cancelled");
                } else {
                    var active = job.state == JobState.ACTIVE;
                    expect(
                            decided,
                            new JobCancelled(
                                    header,
                                    job.id,
                                    job.state,
                                    active ? job.worker : null,
                                    active ? job.token : null,
                                    cancel.requestedBy()),
                            fingerprint,
                            "an unfinished job is cancelled, naming the attempt that must stop");
                    job.state = JobState.CANCELLED;
                    job.everCancelled = true;
                    job.dueAt = null;
                    if (active) {
                        job.lastEnd = "cancelled";
                    }
                }
            }
            case RetryJob retry -> {
                var job = jobs.get(retry.jobId());
                JobRefusalReason reason = null;
                if (job == null) {
                    reason = JobRefusalReason.UNKNOWN_JOB;
                } else if (job.state != JobState.DEAD && job.state != JobState.FAILED_WILL_RETRY) {
                    reason = JobRefusalReason.NOT_RETRYABLE;
                } else if (job.state == JobState.DEAD
                        && job.dedupKey != null
                        && jobs.values().stream()
                                .anyMatch(other ->
                                        other != job && other.holdsDedupKey() && other.dedupKey.equals(job.dedupKey))) {
                    reason = JobRefusalReason.DEDUP_KEY_TAKEN;
                }
                if (reason != null) {
                    expectRefusal(decided, retry, reason, job, "only a dead or retrying job can be retried");
                } else {
                    expect(
                            decided,
                            new JobRetried(header, job.id, job.state, retry.requestedBy()),
                            fingerprint,
                            "a retried job is waiting with a fresh round of attempts");
                    job.state = JobState.WAITING;
                    job.dueAt = null;
                    job.attempt = 0;
                    job.readyOrder = header.sequence();
                }
            }
            case DeleteJob delete -> {
                var job = jobs.get(delete.jobId());
                if (job == null || job.state == JobState.ACTIVE) {
                    expectRefusal(
                            decided,
                            delete,
                            job == null ? JobRefusalReason.UNKNOWN_JOB : JobRefusalReason.JOB_ACTIVE,
                            job,
                            "an active job cannot be deleted");
                } else {
                    expect(
                            decided,
                            new JobDeleted(header, job.id, job.state, delete.requestedBy()),
                            fingerprint,
                            "a job not active can be deleted");
                    jobs.remove(job.id);
                }
            }
            case PauseQueue pause -> {
                if (paused) {
                    expectRefusal(decided, pause, JobRefusalReason.ALREADY_PAUSED, null, "pausing twice is refused");
                } else {
                    expect(decided, new QueuePaused(header, pause.requestedBy()), fingerprint, "a queue is paused");
                    paused = true;
                }
            }
            case ResumeQueue resume -> {
                if (!paused) {
                    expectRefusal(
                            decided, resume, JobRefusalReason.NOT_PAUSED, null, "resuming a running queue is refused");
                } else {
                    expect(decided, new QueueResumed(header, resume.requestedBy()), fingerprint, "a queue is resumed");
                    paused = false;
                }
            }
            case ConfigureQueue configure -> {
                expect(
                        decided,
                        new QueueConfigured(header, configure.concurrency(), configure.requestedBy()),
                        fingerprint,
                        "a queue's concurrency is set");
                concurrency = configure.concurrency();
            }
        }
        remember(operation.requestId(), fingerprint, decided.event());
    }

    private void timer(TimerCommand timer) {
        switch (timer) {
            case JobDueCheck check -> {
                var job = jobs.get(check.jobId());
                if (job != null
                        && (job.state == JobState.DELAYED || job.state == JobState.FAILED_WILL_RETRY)
                        && !job.dueAt.isAfter(now)) {
                    ready(job, "a delay or backoff ends exactly at its time: the job is waiting");
                }
            }
            case LeaseDueCheck check -> {
                var job = jobs.get(check.jobId());
                if (job != null
                        && job.state == JobState.ACTIVE
                        && job.token == check.fencingToken()
                        && !job.leaseExpiresAt.isAfter(now)) {
                    var decided = next("a lease that runs out fails the attempt");
                    fail(
                            decided,
                            job,
                            FailureKind.LEASE_EXPIRED,
                            decided.event() instanceof JobFailed failed ? failed.error() : "?",
                            true,
                            null);
                }
            }
            case WaitDueCheck check -> {}
        }
    }

    private void expectRefusal(
            JobDecision.Decided decided, JobRequest<?> request, JobRefusalReason reason, Job job, String rule) {
        String jobId = switch (request) {
            case WorkerCommand<?> report -> report.jobId();
            case EnqueueJob enqueue -> enqueue.jobId();
            case CancelJob cancel -> cancel.jobId();
            case RetryJob retry -> retry.jobId();
            case DeleteJob delete -> delete.jobId();
            case ClaimNextJob claim -> null;
            case PauseQueue pause -> null;
            case ResumeQueue resume -> null;
            case ConfigureQueue configure -> null;
        };
        String workerId = switch (request) {
            case WorkerCommand<?> report -> report.workerId();
            case ClaimNextJob claim -> claim.workerId();
            default -> null;
        };
        Long token = request instanceof WorkerCommand<?> report ? report.fencingToken() : null;
        var expected = new JobRequestRefused(
                decided.event().header(),
                request.kind(),
                reason,
                jobId,
                workerId,
                token,
                job == null || job.token == 0 ? null : job.token,
                job == null ? null : job.state,
                reason == JobRefusalReason.LEASE_EXPIRED && job != null ? job.leaseExpiresAt : null);
        expect(decided, expected, request.fingerprint(), rule);
    }

    /** The next event of the decision, numbered right. */
    private JobDecision.Decided next(String rule) {
        require(cursor < current.size(), rule, () -> "the decision ended before it");
        var decided = current.get(cursor++);
        var event = decided.event();
        if (event.redelivery()) {
            require(event.sequence() <= sequence, "events are numbered 1, 2, 3, … per queue", () -> event.toString());
        } else {
            require(
                    event.sequence() == sequence + 1
                            && event.eventId().equals(queue + "#" + event.sequence())
                            && event.queue().equals(queue)
                            && event.occurredAt().equals(now),
                    "events are numbered 1, 2, 3, … per queue",
                    () -> event + " after " + sequence);
            sequence = event.sequence();
        }
        return decided;
    }

    private JobDecision.Decided peek() {
        require(cursor < current.size(), "a claim-next is answered or parked", () -> "the decision ended before it");
        return current.get(cursor);
    }

    private void expect(JobDecision.Decided decided, JobEvent expected, String answers, String rule) {
        require(
                decided.event().equals(expected),
                rule,
                () -> "\n    got      " + decided.event() + "\n    expected " + expected);
        require(
                Objects.equals(decided.answers(), answers),
                "an event names the request it answers",
                () -> decided.toString());
    }

    private void remember(String requestId, String fingerprint, JobEvent answer) {
        rememberedNow.put(requestId, new Answer(fingerprint, answer, now));
    }

    private void require(boolean holds, String rule, java.util.function.Supplier<String> detail) {
        if (!holds) {
            var recent = history.subList(Math.max(0, history.size() - 12), history.size()).stream()
                    .map(entry -> entry[0] + "\n      -> " + ((JobDecision) entry[1]).events())
                    .toList();
            throw new AssertionError(
                    rule + "\n  " + detail.get() + "\n  last commands:\n    " + String.join("\n    ", recent));
        }
    }
}
