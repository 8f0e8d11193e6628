package dev.turnstile.processor.jobs;

import dev.turnstile.contracts.job.ClaimNextParked;
import dev.turnstile.contracts.job.FailureKind;
import dev.turnstile.contracts.job.JobAlreadyEnqueued;
import dev.turnstile.contracts.job.JobArtifactAttached;
import dev.turnstile.contracts.job.JobCancelled;
import dev.turnstile.contracts.job.JobClaimed;
import dev.turnstile.contracts.job.JobDeleted;
import dev.turnstile.contracts.job.JobEnqueued;
import dev.turnstile.contracts.job.JobEvent;
import dev.turnstile.contracts.job.JobFailed;
import dev.turnstile.contracts.job.JobHeartbeatReceived;
import dev.turnstile.contracts.job.JobLogsAppended;
import dev.turnstile.contracts.job.JobReady;
import dev.turnstile.contracts.job.JobRequestRefused;
import dev.turnstile.contracts.job.JobRetried;
import dev.turnstile.contracts.job.JobState;
import dev.turnstile.contracts.job.JobSucceeded;
import dev.turnstile.contracts.job.NoJobAvailable;
import dev.turnstile.contracts.job.QueueConfigured;
import dev.turnstile.contracts.job.QueuePaused;
import dev.turnstile.contracts.job.QueueResumed;
import java.util.Optional;

/**
 * How events change what is stored: the queue's summary and the job records. Pure. The decider applies events to
 * its working view with these functions while it decides, and the processor applies the same events to its stores
 * with them afterwards, so the two never disagree. A redelivered event changes nothing.
 */
public final class JobEvolution {

    private JobEvolution() {}

    /** The queue's summary after {@code event}. */
    public static QueueSummary evolve(QueueSummary summary, JobEvent event) {
        if (event.redelivery()) {
            return summary;
        }
        var next = summary.withSequence(Math.max(summary.sequence(), event.sequence()));
        var counts = next.counts();
        return switch (event) {
            case JobEnqueued enqueued -> next.withCounts(counts.plus(enqueued.state(), 1));
            case JobAlreadyEnqueued existing -> next;
            case JobReady ready -> next.withCounts(counts.moved(ready.previousState(), JobState.WAITING));
            case JobClaimed claimed ->
                next.withCounts(counts.moved(JobState.WAITING, JobState.ACTIVE))
                        .withFencingToken(claimed.fencingToken())
                        .withoutWaiter(claimed.requestId());
            case NoJobAvailable none -> next.withoutWaiter(none.requestId());
            case ClaimNextParked parked ->
                next.withWaiter(new ParkedClaim(
                        parked.requestId(),
                        parked.workerId(),
                        parked.waitSeconds(),
                        parked.waitUntil(),
                        parked.sequence(),
                        parked.occurredAt()));
            case JobHeartbeatReceived heartbeat -> next;
            case JobLogsAppended logs -> next;
            case JobArtifactAttached artifact -> next;
            case JobSucceeded succeeded -> next.withCounts(counts.moved(JobState.ACTIVE, JobState.SUCCEEDED));
            case JobFailed failed -> next.withCounts(counts.moved(JobState.ACTIVE, failed.state()));
            case JobCancelled cancelled -> next.withCounts(counts.moved(cancelled.previousState(), JobState.CANCELLED));
            case JobRetried retried -> next.withCounts(counts.moved(retried.previousState(), JobState.WAITING));
            case JobDeleted deleted -> next.withCounts(counts.plus(deleted.previousState(), -1));
            case QueuePaused paused -> next.withPaused(true);
            case QueueResumed resumed -> next.withPaused(false);
            case QueueConfigured configured -> next.withConcurrency(configured.concurrency());
            case JobRequestRefused refused -> next;
        };
    }

    /** The id of the job whose record {@code event} changes, if it changes one. */
    public static Optional<String> jobChangedBy(JobEvent event) {
        if (event.redelivery()) {
            return Optional.empty();
        }
        return Optional.ofNullable(
                switch (event) {
                    case JobEnqueued e -> e.jobId();
                    case JobReady e -> e.jobId();
                    case JobClaimed e -> e.jobId();
                    case JobHeartbeatReceived e -> e.jobId();
                    case JobSucceeded e -> e.jobId();
                    case JobFailed e -> e.jobId();
                    case JobCancelled e -> e.jobId();
                    case JobRetried e -> e.jobId();
                    case JobDeleted e -> e.jobId();
                    case JobAlreadyEnqueued e -> null;
                    case NoJobAvailable e -> null;
                    case ClaimNextParked e -> null;
                    case JobLogsAppended e -> null;
                    case JobArtifactAttached e -> null;
                    case QueuePaused e -> null;
                    case QueueResumed e -> null;
                    case QueueConfigured e -> null;
                    case JobRequestRefused e -> null;
                });
    }

    /**
     * The job's record after {@code event}, which must be about it ({@link #jobChangedBy}); null once deleted.
     *
     * @param job the record before, null when there is none (only a {@link JobEnqueued} makes one)
     */
    public static JobRecord evolve(JobRecord job, JobEvent event) {
        return switch (event) {
            case JobEnqueued enqueued -> created(enqueued);
            case JobReady ready ->
                held(job, event)
                        .with(
                                JobState.WAITING,
                                null,
                                ready.sequence(),
                                job.attempt(),
                                job.fencingToken(),
                                job.workerId(),
                                job.leaseExpiresAt(),
                                job.lastAttemptEnd());
            case JobClaimed claimed ->
                held(job, event)
                        .with(
                                JobState.ACTIVE,
                                null,
                                job.readySequence(),
                                claimed.attempt(),
                                claimed.fencingToken(),
                                claimed.workerId(),
                                claimed.leaseExpiresAt(),
                                null);
            case JobHeartbeatReceived heartbeat ->
                held(job, event)
                        .with(
                                job.state(),
                                job.dueAt(),
                                job.readySequence(),
                                job.attempt(),
                                job.fencingToken(),
                                job.workerId(),
                                heartbeat.leaseExpiresAt(),
                                job.lastAttemptEnd());
            case JobSucceeded succeeded ->
                held(job, event)
                        .with(
                                JobState.SUCCEEDED,
                                null,
                                job.readySequence(),
                                job.attempt(),
                                job.fencingToken(),
                                job.workerId(),
                                job.leaseExpiresAt(),
                                AttemptEnd.SUCCEEDED);
            case JobFailed failed ->
                held(job, event)
                        .with(
                                failed.state(),
                                failed.retryAt(),
                                job.readySequence(),
                                job.attempt(),
                                job.fencingToken(),
                                job.workerId(),
                                job.leaseExpiresAt(),
                                failed.failure() == FailureKind.LEASE_EXPIRED
                                        ? AttemptEnd.LEASE_EXPIRED
                                        : AttemptEnd.FAILED);
            case JobCancelled cancelled ->
                held(job, event)
                        .with(
                                JobState.CANCELLED,
                                null,
                                job.readySequence(),
                                job.attempt(),
                                job.fencingToken(),
                                job.workerId(),
                                job.leaseExpiresAt(),
                                cancelled.previousState() == JobState.ACTIVE
                                        ? AttemptEnd.CANCELLED
                                        : job.lastAttemptEnd());
            case JobRetried retried ->
                held(job, event)
                        .with(
                                JobState.WAITING,
                                null,
                                retried.sequence(),
                                0,
                                job.fencingToken(),
                                job.workerId(),
                                job.leaseExpiresAt(),
                                job.lastAttemptEnd());
            case JobDeleted deleted -> {
                held(job, event);
                yield null;
            }
            case JobAlreadyEnqueued e -> job;
            case NoJobAvailable e -> job;
            case ClaimNextParked e -> job;
            case JobLogsAppended e -> job;
            case JobArtifactAttached e -> job;
            case QueuePaused e -> job;
            case QueueResumed e -> job;
            case QueueConfigured e -> job;
            case JobRequestRefused e -> job;
        };
    }

    private static JobRecord created(JobEnqueued enqueued) {
        var delayed = enqueued.state() == JobState.DELAYED;
        return new JobRecord(
                enqueued.jobId(),
                enqueued.name(),
                enqueued.payload(),
                enqueued.priority(),
                enqueued.maxAttempts(),
                enqueued.backoff(),
                enqueued.leaseSeconds(),
                enqueued.dedupKey(),
                enqueued.state(),
                delayed ? enqueued.runAt() : null,
                delayed ? 0 : enqueued.sequence(),
                0,
                0,
                null,
                null,
                null);
    }

    /** The record an event about an existing job changes: a broken invariant when there is none. */
    private static JobRecord held(JobRecord job, JobEvent event) {
        if (job == null) {
            throw new IllegalStateException("Event " + event.eventId() + " ("
                    + event.getClass().getSimpleName()
                    + ") changes a job that queue " + event.queue() + " does not hold: the stores do not match the"
                    + " event log. Restore the processor's state from its changelog (stop it and delete its state"
                    + " directory).");
        }
        return job;
    }
}
