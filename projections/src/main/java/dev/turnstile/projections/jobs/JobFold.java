package dev.turnstile.projections.jobs;

import dev.turnstile.contracts.job.Backoff;
import dev.turnstile.contracts.job.ClaimNextParked;
import dev.turnstile.contracts.job.FailureKind;
import dev.turnstile.contracts.job.JobAlreadyEnqueued;
import dev.turnstile.contracts.job.JobArtifactAttached;
import dev.turnstile.contracts.job.JobCancelled;
import dev.turnstile.contracts.job.JobClaimed;
import dev.turnstile.contracts.job.JobDeleted;
import dev.turnstile.contracts.job.JobEnqueued;
import dev.turnstile.contracts.job.JobEvent;
import dev.turnstile.contracts.job.JobEventType;
import dev.turnstile.contracts.job.JobFailed;
import dev.turnstile.contracts.job.JobHeartbeatReceived;
import dev.turnstile.contracts.job.JobLogsAppended;
import dev.turnstile.contracts.job.JobReady;
import dev.turnstile.contracts.job.JobRequestKind;
import dev.turnstile.contracts.job.JobRequestRefused;
import dev.turnstile.contracts.job.JobRetried;
import dev.turnstile.contracts.job.JobState;
import dev.turnstile.contracts.job.JobSucceeded;
import dev.turnstile.contracts.job.NoJobAvailable;
import dev.turnstile.contracts.job.QueueConfigured;
import dev.turnstile.contracts.job.QueuePaused;
import dev.turnstile.contracts.job.QueueResumed;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.JsonNode;

/**
 * The rules of the read model, pure: what one event of {@code job-events} does to its queue and to the job it is
 * about. No store, no clock; the store writes what this returns.
 *
 * <p>Counts follow the jobs the read model holds: a job moving from one state to another moves one count, whatever
 * the event says it was before, so a job the read model dropped ({@link JobQueries#clean}) is never counted twice.
 * An event about a job the read model does not hold (cleaned, or its enqueue no longer on the topic) starts the job
 * afresh from what the event says, so that it is seen and counted again.
 */
final class JobFold {

    /** Longest error or message quoted in a timeline entry. */
    private static final int QUOTED = 200;

    private JobFold() {}

    /**
     * What applying an event came to.
     *
     * @param queue the queue after the event
     * @param before the job before it; null when the read model did not hold it, or the event leaves it untouched
     * @param after the job after it; null when it is gone (deleted), or the event leaves it untouched (both null)
     * @param timeline an entry for the job's timeline, numbered {@code after.timelineCount()}; null for none
     * @param logs lines for the job's log, numbered from {@code before.logCount() + 1}
     * @param artifact an artifact for the job, numbered {@code after.artifactCount()}; null for none
     * @param streamed whether live subscribers hear of the event (not claim-next parkings and their empty answers)
     */
    record Folded(
            QueueOverview queue,
            StoredJob before,
            StoredJob after,
            TimelineEntry timeline,
            List<LogLine> logs,
            Artifact artifact,
            boolean streamed) {

        /** The job's id, when the event is about a job the read model holds (before or after). */
        String jobId() {
            return after != null ? after.jobId() : before == null ? null : before.jobId();
        }
    }

    /** Whether the read model applies {@code event} at all: a queue's events once each, in order. */
    static boolean isNew(QueueOverview queue, JobEvent event) {
        return !event.redelivery() && event.sequence() > queue.lastSequence();
    }

    /**
     * The queue and the job after {@code event}.
     *
     * @param queue the queue before the event
     * @param job the job the event is about (see {@link #jobIdOf}); null when the read model does not hold it
     */
    static Folded fold(QueueOverview queue, StoredJob job, JobEvent event) {
        var at = event.occurredAt();
        var moved = new QueueOverview(
                queue.queue(), queue.counts(), queue.paused(), queue.concurrency(), event.sequence(), at);
        return switch (event) {
            case JobEnqueued e -> {
                var created = new StoredJob(
                        e.queue(),
                        e.jobId(),
                        e.sequence(),
                        e.name(),
                        e.payload(),
                        e.priority(),
                        e.maxAttempts(),
                        e.backoff(),
                        e.leaseSeconds(),
                        e.dedupKey(),
                        e.state(),
                        at,
                        at,
                        e.state() == JobState.DELAYED ? e.runAt() : null,
                        null,
                        0,
                        0,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        0,
                        0,
                        0);
                var description = e.state() == JobState.DELAYED
                        ? "Enqueued, delayed until " + e.runAt()
                        : "Enqueued: waiting (priority " + e.priority() + ")";
                yield changed(moved, job, created, entry(e, created, 0, null, description));
            }
            case JobAlreadyEnqueued e ->
                job == null
                        ? nothing(moved, true)
                        : changed(
                                moved,
                                job,
                                job,
                                entry(
                                        e,
                                        job,
                                        0,
                                        null,
                                        "An enqueue as " + e.requestedJobId()
                                                + " was answered with this job (same "
                                                + e.matchedBy()
                                                        .name()
                                                        .toLowerCase(Locale.ROOT)
                                                        .replace('_', ' ') + ")"));
            case JobReady e -> {
                var after = draft(job, e, JobState.WAITING).runAt(null).build();
                yield changed(
                        moved,
                        job,
                        after,
                        entry(
                                e,
                                after,
                                after.attempt(),
                                null,
                                e.previousState() == JobState.DELAYED
                                        ? "Its delay ended: waiting"
                                        : "Its backoff ended: waiting"));
            }
            case JobClaimed e -> {
                var after = draft(job, e, JobState.ACTIVE)
                        .claimedFrom(e)
                        .runAt(null)
                        .attempt(e.attempt())
                        .fencingToken(e.fencingToken())
                        .workerId(e.workerId())
                        .leaseExpiresAt(e.leaseExpiresAt())
                        .progress(null, null)
                        .lastHeartbeatAt(at)
                        .build();
                yield changed(
                        moved,
                        job,
                        after,
                        entry(
                                e,
                                after,
                                e.attempt(),
                                e.workerId(),
                                "Claimed by "
                                        + e.workerId() + ": attempt " + e.attempt() + " of " + e.maxAttempts()
                                        + ", fencing token "
                                        + e.fencingToken() + ", lease until " + e.leaseExpiresAt()));
            }
            case JobHeartbeatReceived e -> {
                var progress = e.progress() != null ? e.progress() : job == null ? null : job.progress();
                var message = e.message() != null ? e.message() : job == null ? null : job.progressMessage();
                var after = draft(job, e, JobState.ACTIVE)
                        .attempt(e.attempt())
                        .fencingToken(e.fencingToken())
                        .workerId(e.workerId())
                        .leaseExpiresAt(e.leaseExpiresAt())
                        .progress(progress, message)
                        .lastHeartbeatAt(at)
                        .build();
                yield changed(moved, job, after, null);
            }
            case JobSucceeded e -> {
                var after = draft(job, e, JobState.SUCCEEDED)
                        .result(e.result())
                        .finishedAt(at)
                        .build();
                yield changed(
                        moved,
                        job,
                        after,
                        entry(
                                e,
                                after,
                                e.attempt(),
                                e.workerId(),
                                "Succeeded: attempt " + e.attempt() + " by " + e.workerId()));
            }
            case JobFailed e -> {
                var after = draft(job, e, e.state())
                        .failed(e.error(), e.failure())
                        .runAt(e.retryAt())
                        .finishedAt(e.state() == JobState.DEAD ? at : null)
                        .build();
                var what = e.failure() == FailureKind.LEASE_EXPIRED
                        ? "Attempt " + e.attempt() + " by " + e.workerId() + " stopped heartbeating: its lease ran out"
                                + (e.leaseExpiresAt() == null ? "" : " at " + e.leaseExpiresAt())
                        : "Attempt " + e.attempt() + " by " + e.workerId() + " failed: " + quote(e.error());
                var next = e.state() == JobState.DEAD
                        ? (e.retryable() ? "; dead, no attempts left" : "; dead, the failure may not be retried")
                        : "; retried at " + e.retryAt();
                yield changed(moved, job, after, entry(e, after, e.attempt(), e.workerId(), what + next));
            }
            case JobLogsAppended e -> {
                var after = draft(job, e, JobState.ACTIVE)
                        .logCount((job == null ? 0 : job.logCount()) + e.lines().size())
                        .build();
                var first = job == null ? 1 : job.logCount() + 1;
                var lines = new ArrayList<LogLine>(e.lines().size());
                for (int i = 0; i < e.lines().size(); i++) {
                    lines.add(new LogLine(first + i, e.attempt(), at, e.lines().get(i)));
                }
                yield new Folded(
                        counted(moved, job == null ? null : job.state(), after.state()),
                        job,
                        after,
                        null,
                        lines,
                        null,
                        true);
            }
            case JobArtifactAttached e -> {
                var after = draft(job, e, JobState.ACTIVE)
                        .artifactCount((job == null ? 0 : job.artifactCount()) + 1)
                        .build();
                var artifact = new Artifact(
                        e.name(), e.uri(), e.bytes(), e.sha256(), e.contentType(), e.attempt(), e.workerId(), at);
                var folded = changed(
                        moved,
                        job,
                        after,
                        entry(
                                e,
                                after,
                                e.attempt(),
                                e.workerId(),
                                "Artifact "
                                        + e.name() + " (" + e.contentType() + ", " + e.bytes() + " bytes) recorded by "
                                        + e.workerId()));
                yield new Folded(folded.queue(), job, folded.after(), folded.timeline(), List.of(), artifact, true);
            }
            case JobCancelled e -> {
                var after = draft(job, e, JobState.CANCELLED)
                        .cancelledBy(e.requestedBy())
                        .runAt(null)
                        .finishedAt(at)
                        .build();
                var by = e.requestedBy() == null ? "Cancelled" : "Cancelled by " + e.requestedBy();
                yield changed(
                        moved,
                        job,
                        after,
                        entry(
                                e,
                                after,
                                after.attempt(),
                                e.workerId(),
                                e.workerId() == null
                                        ? by + " (was " + e.previousState().wireName() + ")"
                                        : by + " while " + e.workerId() + " ran it (token " + e.fencingToken()
                                                + "): its next heartbeat is refused, so it stops"));
            }
            case JobRetried e -> {
                var after = draft(job, e, JobState.WAITING)
                        .attempt(0)
                        .runAt(null)
                        .finishedAt(null)
                        .build();
                yield changed(
                        moved,
                        job,
                        after,
                        entry(
                                e,
                                after,
                                0,
                                null,
                                (e.requestedBy() == null ? "Retried" : "Retried by " + e.requestedBy()) + " (was "
                                        + e.previousState().wireName()
                                        + "): waiting, with a fresh round of " + after.maxAttempts() + " attempts"));
            }
            case JobDeleted e ->
                job == null
                        ? nothing(moved, true)
                        : new Folded(counted(moved, job.state(), null), job, null, null, List.of(), null, true);
            case QueuePaused e ->
                nothing(
                        new QueueOverview(
                                moved.queue(), moved.counts(), true, moved.concurrency(), moved.lastSequence(), at),
                        true);
            case QueueResumed e ->
                nothing(
                        new QueueOverview(
                                moved.queue(), moved.counts(), false, moved.concurrency(), moved.lastSequence(), at),
                        true);
            case QueueConfigured e ->
                nothing(
                        new QueueOverview(
                                moved.queue(),
                                moved.counts(),
                                moved.paused(),
                                e.concurrency(),
                                moved.lastSequence(),
                                at),
                        true);
            case JobRequestRefused e ->
                job == null || !onTimeline(e.refused())
                        ? nothing(moved, true)
                        : changed(
                                moved,
                                job,
                                job,
                                entry(
                                        e,
                                        job,
                                        job.attempt(),
                                        e.workerId(),
                                        "A "
                                                + e.refused().wireName().replace('_', ' ')
                                                + (e.workerId() == null
                                                        ? ""
                                                        : " by " + e.workerId() + " with token " + e.fencingToken())
                                                + " was refused: " + e.reason().wireName()));
            case NoJobAvailable e -> nothing(moved, false);
            case ClaimNextParked e -> nothing(moved, false);
        };
    }

    /** The job {@code event} is about, if any. */
    static String jobIdOf(JobEvent event) {
        return switch (event) {
            case JobEnqueued e -> e.jobId();
            case JobAlreadyEnqueued e -> e.jobId();
            case JobReady e -> e.jobId();
            case JobClaimed e -> e.jobId();
            case JobHeartbeatReceived e -> e.jobId();
            case JobSucceeded e -> e.jobId();
            case JobFailed e -> e.jobId();
            case JobLogsAppended e -> e.jobId();
            case JobArtifactAttached e -> e.jobId();
            case JobCancelled e -> e.jobId();
            case JobRetried e -> e.jobId();
            case JobDeleted e -> e.jobId();
            case JobRequestRefused e -> e.jobId();
            case NoJobAvailable e -> null;
            case ClaimNextParked e -> null;
            case QueuePaused e -> null;
            case QueueResumed e -> null;
            case QueueConfigured e -> null;
        };
    }

    /**
     * Refusals worth a line in the job's history: a late result and operator requests. Heartbeats, logs and artifacts
     * of a stopped worker may come by the hundred and would push the history out of its bound.
     */
    private static boolean onTimeline(JobRequestKind refused) {
        return switch (refused) {
            case COMPLETE, FAIL, CANCEL, RETRY, DELETE -> true;
            case HEARTBEAT, LOGS, ARTIFACT, ENQUEUE, CLAIM_NEXT, PAUSE, RESUME, CONFIGURE -> false;
        };
    }

    private static Folded changed(QueueOverview queue, StoredJob before, StoredJob after, TimelineEntry entry) {
        var counted = counted(queue, before == null ? null : before.state(), after.state());
        var numbered = entry == null
                ? after
                : copy(after).timelineCount(after.timelineCount() + 1).build();
        return new Folded(counted, before, numbered, entry, List.of(), null, true);
    }

    private static Folded nothing(QueueOverview queue, boolean streamed) {
        return new Folded(queue, null, null, null, List.of(), null, streamed);
    }

    private static QueueOverview counted(QueueOverview queue, JobState from, JobState to) {
        return new QueueOverview(
                queue.queue(),
                queue.counts().moved(from, to),
                queue.paused(),
                queue.concurrency(),
                queue.lastSequence(),
                queue.lastEventAt());
    }

    private static TimelineEntry entry(JobEvent event, StoredJob after, int attempt, String workerId, String text) {
        return new TimelineEntry(
                event.eventId(),
                event.sequence(),
                JobEventType.of(event).wireName(),
                event.occurredAt(),
                after.state(),
                attempt,
                workerId,
                text);
    }

    private static String quote(String text) {
        if (text == null) {
            return "(no message)";
        }
        var line = text.strip().replaceAll("\\s+", " ");
        return line.length() > QUOTED ? line.substring(0, QUOTED) + "…" : line;
    }

    /** The job changed by {@code event} into {@code state}: the stored one, or one started afresh from the event. */
    private static Draft draft(StoredJob job, JobEvent event, JobState state) {
        var draft = job != null
                ? copy(job)
                : new Draft(event.queue(), jobIdOf(event), event.sequence(), event.occurredAt());
        return draft.state(state).updatedAt(event.occurredAt());
    }

    private static Draft copy(StoredJob job) {
        return new Draft(job);
    }

    /** A job being changed inside one fold; never leaves it. */
    private static final class Draft {
        private final String queue;
        private final String jobId;
        private final long enqueueSequence;
        private String name;
        private JsonNode payload;
        private int priority;
        private int maxAttempts;
        private Backoff backoff;
        private int leaseSeconds;
        private String dedupKey;
        private JobState state;
        private Instant enqueuedAt;
        private Instant updatedAt;
        private Instant runAt;
        private Instant finishedAt;
        private int attempt;
        private long fencingToken;
        private String workerId;
        private Instant leaseExpiresAt;
        private Integer progress;
        private String progressMessage;
        private Instant lastHeartbeatAt;
        private JsonNode result;
        private String lastError;
        private String lastFailure;
        private String cancelledBy;
        private long timelineCount;
        private long logCount;
        private long artifactCount;

        Draft(StoredJob job) {
            queue = job.queue();
            jobId = job.jobId();
            enqueueSequence = job.enqueueSequence();
            name = job.name();
            payload = job.payload();
            priority = job.priority();
            maxAttempts = job.maxAttempts();
            backoff = job.backoff();
            leaseSeconds = job.leaseSeconds();
            dedupKey = job.dedupKey();
            state = job.state();
            enqueuedAt = job.enqueuedAt();
            updatedAt = job.updatedAt();
            runAt = job.runAt();
            finishedAt = job.finishedAt();
            attempt = job.attempt();
            fencingToken = job.fencingToken();
            workerId = job.workerId();
            leaseExpiresAt = job.leaseExpiresAt();
            progress = job.progress();
            progressMessage = job.progressMessage();
            lastHeartbeatAt = job.lastHeartbeatAt();
            result = job.result();
            lastError = job.lastError();
            lastFailure = job.lastFailure();
            cancelledBy = job.cancelledBy();
            timelineCount = job.timelineCount();
            logCount = job.logCount();
            artifactCount = job.artifactCount();
        }

        /** A job the read model never saw enqueued: known from this event on. */
        Draft(String queue, String jobId, long sequence, Instant at) {
            this.queue = queue;
            this.jobId = jobId;
            this.enqueueSequence = sequence;
            this.enqueuedAt = at;
        }

        Draft state(JobState value) {
            state = value;
            return this;
        }

        Draft updatedAt(Instant value) {
            updatedAt = value;
            return this;
        }

        Draft runAt(Instant value) {
            runAt = value;
            return this;
        }

        Draft finishedAt(Instant value) {
            finishedAt = value;
            return this;
        }

        Draft attempt(int value) {
            attempt = value;
            return this;
        }

        Draft fencingToken(long value) {
            fencingToken = value;
            return this;
        }

        Draft workerId(String value) {
            workerId = value;
            return this;
        }

        Draft leaseExpiresAt(Instant value) {
            leaseExpiresAt = value;
            return this;
        }

        Draft progress(Integer value, String message) {
            progress = value;
            progressMessage = message;
            return this;
        }

        Draft lastHeartbeatAt(Instant value) {
            lastHeartbeatAt = value;
            return this;
        }

        Draft result(JsonNode value) {
            result = value;
            return this;
        }

        Draft failed(String error, FailureKind failure) {
            lastError = error;
            lastFailure = failure.name().toLowerCase(Locale.ROOT);
            return this;
        }

        Draft cancelledBy(String value) {
            cancelledBy = value;
            return this;
        }

        Draft timelineCount(long value) {
            timelineCount = value;
            return this;
        }

        Draft logCount(long value) {
            logCount = value;
            return this;
        }

        Draft artifactCount(long value) {
            artifactCount = value;
            return this;
        }

        /** A job first seen in its grant knows what the grant carries. */
        Draft claimedFrom(JobClaimed claimed) {
            if (name == null) {
                name = claimed.name();
                payload = claimed.payload();
                priority = claimed.priority();
                maxAttempts = claimed.maxAttempts();
                leaseSeconds = claimed.leaseSeconds();
            }
            return this;
        }

        StoredJob build() {
            return new StoredJob(
                    queue,
                    jobId,
                    enqueueSequence,
                    name,
                    payload,
                    priority,
                    maxAttempts,
                    backoff,
                    leaseSeconds,
                    dedupKey,
                    state,
                    enqueuedAt,
                    updatedAt,
                    runAt,
                    finishedAt,
                    attempt,
                    fencingToken,
                    workerId,
                    leaseExpiresAt,
                    progress,
                    progressMessage,
                    lastHeartbeatAt,
                    result,
                    lastError,
                    lastFailure,
                    cancelledBy,
                    timelineCount,
                    logCount,
                    artifactCount);
        }
    }
}
