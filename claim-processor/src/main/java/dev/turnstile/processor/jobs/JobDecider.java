package dev.turnstile.processor.jobs;

import dev.turnstile.contracts.job.AppendJobLogs;
import dev.turnstile.contracts.job.AttachJobArtifact;
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
import java.time.Duration;
import java.util.Optional;

/**
 * Decides a queue's commands: enqueues, claim-next, the worker's heartbeats, completions, failures, logs and
 * artifacts, the operator's cancel, retry, delete, pause, resume and settings, and the processor's timer checks. A
 * pure function of the command and a read-only view of what is stored: it reads no clock, draws no random numbers
 * and writes nothing, so replaying a queue's command log reproduces its events exactly. Time enters only as the
 * command's timestamp: a lease has run out when it ends at or before the command's time, a delay or backoff is over
 * when its due time is, a parked claim-next's wait is over when its deadline is.
 *
 * <p>Every decision ends by handing waiting jobs to parked claim-next requests, first parked first, while the queue
 * is not paused and below its concurrency limit; so after any decision either nobody is parked or nothing can be
 * handed out.
 */
public final class JobDecider {

    /** How long a request id is remembered unless configured otherwise: far longer than any client retries. */
    public static final Duration DEFAULT_REQUEST_MEMORY = Duration.ofHours(24);

    /** Most claim-next requests parked on one queue unless configured otherwise; they live in its summary. */
    public static final int DEFAULT_MAX_PARKED_CLAIMS = 256;

    private final Duration requestMemory;
    private final int maxParkedClaims;

    public JobDecider() {
        this(DEFAULT_REQUEST_MEMORY, DEFAULT_MAX_PARKED_CLAIMS);
    }

    /**
     * @param requestMemory how long, in command time, a request id keeps its answer
     * @param maxParkedClaims most claim-next requests parked on one queue; beyond, they get no job at once
     */
    public JobDecider(Duration requestMemory, int maxParkedClaims) {
        if (requestMemory.isNegative() || requestMemory.isZero()) {
            throw new IllegalArgumentException("The request memory must be positive; got " + requestMemory);
        }
        if (maxParkedClaims < 0) {
            throw new IllegalArgumentException("The most parked claims must be 0 or more; got " + maxParkedClaims);
        }
        this.requestMemory = requestMemory;
        this.maxParkedClaims = maxParkedClaims;
    }

    public Duration requestMemory() {
        return requestMemory;
    }

    /** The events that {@code command} decides, given what {@code stored} holds about its queue. */
    public JobDecision decide(JobCommand command, JobStateView stored) {
        var deciding = new Deciding(stored, command);
        // Parked claims whose wait is over are answered first, so that nothing below hands them a job.
        answerExpiredWaits(deciding);
        switch (command) {
            case JobRequest<?> request -> answerOnce(request, deciding);
            case TimerCommand timer -> decideTimer(timer, deciding);
        }
        handOutToParkedClaims(deciding);
        return deciding.decision();
    }

    /**
     * A request id names one request: a retry (same fingerprint) gets the original answer, marked redelivery; a
     * parked claim-next asked again is told it still waits; anything else under the id is refused.
     */
    private void answerOnce(JobRequest<?> request, Deciding deciding) {
        var fingerprint = request.fingerprint();
        var earlier = deciding.answer(request.requestId())
                .filter(answer -> answer.answeredAt().plus(requestMemory).isAfter(deciding.now()));
        if (earlier.isPresent()) {
            deciding.answerWithoutRemembering(
                    earlier.get().fingerprint().equals(fingerprint)
                            ? earlier.get().answer().asRedelivery()
                            : refused(request, deciding, JobRefusalReason.REQUEST_ID_REUSED, null),
                    fingerprint);
            return;
        }
        var parked = deciding.summary().waiter(request.requestId());
        if (parked.isPresent()) {
            var waiter = parked.get();
            deciding.answerWithoutRemembering(
                    waiter.fingerprint().equals(fingerprint)
                            ? new ClaimNextParked(
                                    new JobEventHeader(
                                            JobEventHeader.SCHEMA_VERSION,
                                            JobEventHeader.eventId(deciding.queue(), waiter.sequence()),
                                            waiter.sequence(),
                                            deciding.queue(),
                                            waiter.requestId(),
                                            waiter.parkedAt(),
                                            true),
                                    waiter.workerId(),
                                    waiter.waitSeconds(),
                                    waiter.waitUntil())
                            : refused(request, deciding, JobRefusalReason.REQUEST_ID_REUSED, null),
                    fingerprint);
            return;
        }
        switch (request) {
            case EnqueueJob enqueue -> enqueue(enqueue, deciding);
            case ClaimNextJob claim -> claimNext(claim, deciding);
            case WorkerCommand<?> report -> workerReport(report, deciding);
            case OperatorCommand<?> operation -> operate(operation, deciding);
        }
    }

    /** A job id already in the queue, or an unfinished job's dedup key, answers with that job; else it is added. */
    private static void enqueue(EnqueueJob enqueue, Deciding deciding) {
        var fingerprint = enqueue.fingerprint();
        var sameId = deciding.job(enqueue.jobId());
        if (sameId.isPresent()) {
            deciding.answer(
                    new JobAlreadyEnqueued(
                            deciding.next(),
                            enqueue.jobId(),
                            enqueue.jobId(),
                            DedupMatch.JOB_ID,
                            sameId.get().state()),
                    fingerprint);
            return;
        }
        var sameKey = enqueue.dedupKey() == null ? Optional.<JobRecord>empty() : deciding.holderOf(enqueue.dedupKey());
        if (sameKey.isPresent()) {
            deciding.answer(
                    new JobAlreadyEnqueued(
                            deciding.next(),
                            sameKey.get().jobId(),
                            enqueue.jobId(),
                            DedupMatch.DEDUP_KEY,
                            sameKey.get().state()),
                    fingerprint);
            return;
        }
        var runAt = enqueue.dueAt();
        deciding.answer(
                new JobEnqueued(
                        deciding.next(),
                        enqueue.jobId(),
                        enqueue.name(),
                        enqueue.payload(),
                        enqueue.priority(),
                        runAt,
                        enqueue.maxAttempts(),
                        enqueue.backoff(),
                        enqueue.leaseSeconds(),
                        enqueue.dedupKey(),
                        runAt.isAfter(deciding.now()) ? JobState.DELAYED : JobState.WAITING),
                fingerprint);
    }

    /** A job if one may be handed out; else none at once, or parked until one comes or the wait is over. */
    private void claimNext(ClaimNextJob claim, Deciding deciding) {
        var fingerprint = claim.fingerprint();
        var nothing = whyNothingToHandOut(deciding);
        if (nothing.isEmpty()) {
            handOut(deciding, claim.requestId(), claim.workerId(), fingerprint);
        } else if (claim.waitSeconds() == 0) {
            deciding.answer(new NoJobAvailable(deciding.next(), claim.workerId(), nothing.get()), fingerprint);
        } else if (deciding.summary().waiters().size() >= maxParkedClaims) {
            deciding.answer(
                    new NoJobAvailable(deciding.next(), claim.workerId(), NoJobReason.TOO_MANY_WAITERS), fingerprint);
        } else {
            deciding.emit(new ClaimNextParked(
                    deciding.next(),
                    claim.workerId(),
                    claim.waitSeconds(),
                    deciding.now().plusSeconds(claim.waitSeconds())));
        }
    }

    /** Why no job can be handed out now, if none can: paused, at the concurrency limit, or nothing waiting. */
    private static Optional<NoJobReason> whyNothingToHandOut(Deciding deciding) {
        var summary = deciding.summary();
        if (summary.paused()) {
            return Optional.of(NoJobReason.QUEUE_PAUSED);
        }
        if (!summary.hasFreeSlot()) {
            return Optional.of(NoJobReason.CONCURRENCY_LIMIT);
        }
        return deciding.nextWaiting().isEmpty() ? Optional.of(NoJobReason.QUEUE_EMPTY) : Optional.empty();
    }

    /** Hands the next waiting job to a worker: the next attempt, the queue's next fencing token, a fresh lease. */
    private static void handOut(Deciding deciding, String requestId, String workerId, String fingerprint) {
        var job = deciding.nextWaiting()
                .orElseThrow(() -> new IllegalStateException("Queue " + deciding.queue()
                        + " was to hand a waiting job to " + workerId
                        + " but holds none: the queue's counts and its waiting"
                        + " index disagree. Restore the processor's state from its changelog."));
        var token = deciding.summary().fencingToken() + 1;
        deciding.answer(
                new JobClaimed(
                        deciding.next(requestId),
                        job.jobId(),
                        workerId,
                        job.attempt() + 1,
                        token,
                        job.leaseSeconds(),
                        deciding.now().plusSeconds(job.leaseSeconds()),
                        job.name(),
                        job.payload(),
                        job.priority(),
                        job.maxAttempts()),
                fingerprint);
    }

    /** Parked claims get jobs in the order they parked, while jobs may be handed out. */
    private static void handOutToParkedClaims(Deciding deciding) {
        while (!deciding.summary().waiters().isEmpty()
                && whyNothingToHandOut(deciding).isEmpty()) {
            var waiter = deciding.summary().waiters().getFirst();
            handOut(deciding, waiter.requestId(), waiter.workerId(), waiter.fingerprint());
        }
    }

    /** Parked claims whose wait is over at the command's time get no job. */
    private static void answerExpiredWaits(Deciding deciding) {
        for (var waiter : deciding.summary().waiters()) {
            if (!waiter.waitUntil().isAfter(deciding.now())) {
                deciding.answer(
                        new NoJobAvailable(
                                deciding.next(waiter.requestId()), waiter.workerId(), NoJobReason.WAIT_EXPIRED),
                        waiter.fingerprint());
            }
        }
    }

    /**
     * Only the worker of the job's current attempt, with its token, while the attempt runs, may heartbeat, complete,
     * fail, log or attach. A lease found run out at the command's time fails the attempt first.
     */
    private static void workerReport(WorkerCommand<?> report, Deciding deciding) {
        deciding.job(report.jobId())
                .filter(job -> job.leaseRunOutAt(deciding.now()))
                .ifPresent(job ->
                        failAttempt(deciding, job, FailureKind.LEASE_EXPIRED, leaseExpiredError(job), true, null));
        var job = deciding.job(report.jobId());
        var refusal = refusalOf(report, job);
        if (refusal.isPresent()) {
            deciding.answer(refused(report, deciding, refusal.get(), job.orElse(null)), report.fingerprint());
            return;
        }
        var attempt = job.orElseThrow();
        var header = deciding.next();
        switch (report) {
            case HeartbeatJob heartbeat -> {
                var extended = deciding.now().plusSeconds(attempt.leaseSeconds());
                // A heartbeat stamped earlier than the last one (gateway clocks differ) never shortens the lease.
                var expiresAt = extended.isAfter(attempt.leaseExpiresAt()) ? extended : attempt.leaseExpiresAt();
                deciding.answer(
                        new JobHeartbeatReceived(
                                header,
                                attempt.jobId(),
                                attempt.workerId(),
                                attempt.attempt(),
                                attempt.fencingToken(),
                                expiresAt,
                                heartbeat.progress(),
                                heartbeat.message()),
                        heartbeat.fingerprint());
            }
            case CompleteJob complete ->
                deciding.answer(
                        new JobSucceeded(
                                header,
                                attempt.jobId(),
                                attempt.workerId(),
                                attempt.attempt(),
                                attempt.fencingToken(),
                                complete.result()),
                        complete.fingerprint());
            case FailJob fail ->
                failAttempt(
                        deciding,
                        attempt,
                        FailureKind.WORKER_FAILED,
                        fail.error(),
                        fail.retryable(),
                        fail.fingerprint());
            case AppendJobLogs logs ->
                deciding.answer(
                        new JobLogsAppended(
                                header,
                                attempt.jobId(),
                                attempt.workerId(),
                                attempt.attempt(),
                                attempt.fencingToken(),
                                logs.lines()),
                        logs.fingerprint());
            case AttachJobArtifact artifact ->
                deciding.answer(
                        new JobArtifactAttached(
                                header,
                                attempt.jobId(),
                                attempt.workerId(),
                                attempt.attempt(),
                                attempt.fencingToken(),
                                artifact.name(),
                                artifact.uri(),
                                artifact.bytes(),
                                artifact.sha256(),
                                artifact.contentType()),
                        artifact.fingerprint());
        }
    }

    /** Why a worker's request must be refused, if it must. */
    private static Optional<JobRefusalReason> refusalOf(WorkerCommand<?> report, Optional<JobRecord> found) {
        if (found.isEmpty()) {
            return Optional.of(JobRefusalReason.UNKNOWN_JOB);
        }
        var job = found.get();
        if (job.fencingToken() != report.fencingToken()) {
            return Optional.of(JobRefusalReason.STALE_TOKEN);
        }
        if (!report.workerId().equals(job.workerId())) {
            return Optional.of(JobRefusalReason.NOT_HOLDER);
        }
        if (job.state() == JobState.ACTIVE) {
            return Optional.empty();
        }
        if (job.lastAttemptEnd() == null) {
            throw new IllegalStateException("Job " + job.jobId() + " has a token (" + job.fencingToken() + ") but is "
                    + job.state().wireName() + " without its attempt having ended: the stored record is inconsistent."
                    + " Restore the processor's state from its changelog.");
        }
        return Optional.of(
                switch (job.lastAttemptEnd()) {
                    case SUCCEEDED -> JobRefusalReason.ALREADY_COMPLETED;
                    case FAILED -> JobRefusalReason.ALREADY_FAILED;
                    case LEASE_EXPIRED -> JobRefusalReason.LEASE_EXPIRED;
                    case CANCELLED -> JobRefusalReason.CANCELLED;
                });
    }

    /**
     * The attempt failed: if the failure may be retried and attempts remain, the job waits out its backoff (and is
     * waiting at once when the backoff is zero); otherwise it is dead.
     *
     * @param fingerprint the worker's request this answers; null for a lease that ran out (it answers nothing)
     */
    private static void failAttempt(
            Deciding deciding,
            JobRecord job,
            FailureKind failure,
            String error,
            boolean retryable,
            String fingerprint) {
        var retries = retryable && job.attempt() < job.maxAttempts();
        var retryAt = retries ? deciding.now().plus(job.backoff().delayAfter(job.attempt())) : null;
        var failed = new JobFailed(
                deciding.next(),
                job.jobId(),
                job.workerId(),
                job.attempt(),
                job.fencingToken(),
                failure,
                error,
                retryable,
                retries ? JobState.FAILED_WILL_RETRY : JobState.DEAD,
                retryAt,
                failure == FailureKind.LEASE_EXPIRED ? job.leaseExpiresAt() : null);
        if (fingerprint == null) {
            deciding.emit(failed);
        } else {
            deciding.answer(failed, fingerprint);
        }
        if (retries && !retryAt.isAfter(deciding.now())) {
            deciding.emit(new JobReady(deciding.next(), job.jobId(), JobState.FAILED_WILL_RETRY));
        }
    }

    private static String leaseExpiredError(JobRecord job) {
        return "lease expired at " + job.leaseExpiresAt() + " without a heartbeat from " + job.workerId();
    }

    private static void operate(OperatorCommand<?> operation, Deciding deciding) {
        var fingerprint = operation.fingerprint();
        var header = deciding.next();
        var summary = deciding.summary();
        switch (operation) {
            case CancelJob cancel -> {
                var job = deciding.job(cancel.jobId());
                if (job.isEmpty() || job.get().state().finished()) {
                    deciding.answer(
                            refused(
                                    cancel,
                                    deciding,
                                    job.isEmpty() ? JobRefusalReason.UNKNOWN_JOB : JobRefusalReason.JOB_FINISHED,
                                    job.orElse(null)),
                            fingerprint);
                    return;
                }
                var active = job.get().state() == JobState.ACTIVE;
                deciding.answer(
                        new JobCancelled(
                                header,
                                cancel.jobId(),
                                job.get().state(),
                                active ? job.get().workerId() : null,
                                active ? job.get().fencingToken() : null,
                                cancel.requestedBy()),
                        fingerprint);
            }
            case RetryJob retry -> {
                var job = deciding.job(retry.jobId());
                var refusal = retryRefusal(job, deciding);
                if (refusal.isPresent()) {
                    deciding.answer(refused(retry, deciding, refusal.get(), job.orElse(null)), fingerprint);
                    return;
                }
                deciding.answer(
                        new JobRetried(header, retry.jobId(), job.get().state(), retry.requestedBy()), fingerprint);
            }
            case DeleteJob delete -> {
                var job = deciding.job(delete.jobId());
                if (job.isEmpty() || job.get().state() == JobState.ACTIVE) {
                    deciding.answer(
                            refused(
                                    delete,
                                    deciding,
                                    job.isEmpty() ? JobRefusalReason.UNKNOWN_JOB : JobRefusalReason.JOB_ACTIVE,
                                    job.orElse(null)),
                            fingerprint);
                    return;
                }
                deciding.answer(
                        new JobDeleted(header, delete.jobId(), job.get().state(), delete.requestedBy()), fingerprint);
            }
            case PauseQueue pause ->
                deciding.answer(
                        summary.paused()
                                ? refused(pause, deciding, JobRefusalReason.ALREADY_PAUSED, null)
                                : new QueuePaused(header, pause.requestedBy()),
                        fingerprint);
            case ResumeQueue resume ->
                deciding.answer(
                        !summary.paused()
                                ? refused(resume, deciding, JobRefusalReason.NOT_PAUSED, null)
                                : new QueueResumed(header, resume.requestedBy()),
                        fingerprint);
            case ConfigureQueue configure ->
                deciding.answer(
                        new QueueConfigured(header, configure.concurrency(), configure.requestedBy()), fingerprint);
        }
    }

    /** Only a dead job or one waiting out its backoff may be retried, and not onto a dedup key another job holds. */
    private static Optional<JobRefusalReason> retryRefusal(Optional<JobRecord> found, Deciding deciding) {
        if (found.isEmpty()) {
            return Optional.of(JobRefusalReason.UNKNOWN_JOB);
        }
        var job = found.get();
        if (job.state() != JobState.DEAD && job.state() != JobState.FAILED_WILL_RETRY) {
            return Optional.of(JobRefusalReason.NOT_RETRYABLE);
        }
        if (job.state() == JobState.DEAD
                && job.dedupKey() != null
                && deciding.holderOf(job.dedupKey())
                        .filter(other -> !other.jobId().equals(job.jobId()))
                        .isPresent()) {
            return Optional.of(JobRefusalReason.DEDUP_KEY_TAKEN);
        }
        return Optional.empty();
    }

    private static void decideTimer(TimerCommand timer, Deciding deciding) {
        switch (timer) {
            case JobDueCheck check ->
                deciding.job(check.jobId())
                        .filter(job -> job.dueAt(deciding.now()))
                        .ifPresent(job -> deciding.emit(new JobReady(deciding.next(), job.jobId(), job.state())));
            case LeaseDueCheck check ->
                deciding.job(check.jobId())
                        .filter(job -> job.fencingToken() == check.fencingToken() && job.leaseRunOutAt(deciding.now()))
                        .ifPresent(job -> failAttempt(
                                deciding, job, FailureKind.LEASE_EXPIRED, leaseExpiredError(job), true, null));
            // Parked claims whose wait is over were answered before any command is decided.
            case WaitDueCheck check -> {}
        }
    }

    /** The refusal of {@code request}, naming the job and its current attempt when there is one. */
    private static JobRequestRefused refused(
            JobRequest<?> request, Deciding deciding, JobRefusalReason reason, JobRecord job) {
        String jobId = null;
        String workerId = null;
        Long token = null;
        switch (request) {
            case WorkerCommand<?> report -> {
                jobId = report.jobId();
                workerId = report.workerId();
                token = report.fencingToken();
            }
            case ClaimNextJob claim -> workerId = claim.workerId();
            case EnqueueJob enqueue -> jobId = enqueue.jobId();
            case CancelJob cancel -> jobId = cancel.jobId();
            case RetryJob retry -> jobId = retry.jobId();
            case DeleteJob delete -> jobId = delete.jobId();
            case PauseQueue pause -> {}
            case ResumeQueue resume -> {}
            case ConfigureQueue configure -> {}
        }
        var current = job == null || job.fencingToken() == 0 ? null : job.fencingToken();
        return new JobRequestRefused(
                deciding.next(),
                request.kind(),
                reason,
                jobId,
                workerId,
                token,
                current,
                job == null ? null : job.state(),
                reason == JobRefusalReason.LEASE_EXPIRED && job != null ? job.leaseExpiresAt() : null);
    }
}
