package dev.turnstile.processor.jobs;

import dev.turnstile.contracts.job.Backoff;
import dev.turnstile.contracts.job.JobState;
import java.time.Instant;
import tools.jackson.databind.JsonNode;

/**
 * What the processor keeps about one job, stored under {@code <queue>|<jobId>}.
 *
 * @param jobId the job
 * @param name what it is
 * @param payload what the worker needs; null for none
 * @param priority higher first
 * @param maxAttempts attempts per round before it is dead
 * @param backoff the wait after a failed attempt
 * @param leaseSeconds how long an attempt holds it without a heartbeat
 * @param dedupKey its dedup key; null for none
 * @param state where it stands
 * @param dueAt when a delayed or retrying job becomes waiting; null otherwise
 * @param readySequence the sequence of the event that made it waiting: its place among jobs of equal priority
 * @param attempt the current or last attempt, 0 before the first (and after an operator's retry)
 * @param fencingToken the token of the current or last attempt, 0 before the first
 * @param workerId the worker of the current or last attempt; null before the first
 * @param leaseExpiresAt when the current or last attempt's lease runs (or ran) out; null before the first
 * @param lastAttemptEnd how the last attempt ended; null while it runs or before the first
 */
public record JobRecord(
        String jobId,
        String name,
        JsonNode payload,
        int priority,
        int maxAttempts,
        Backoff backoff,
        int leaseSeconds,
        String dedupKey,
        JobState state,
        Instant dueAt,
        long readySequence,
        int attempt,
        long fencingToken,
        String workerId,
        Instant leaseExpiresAt,
        AttemptEnd lastAttemptEnd) {

    public JobRecord {
        payload = payload == null || payload.isNull() ? null : payload;
    }

    /** Whether the attempt's lease has run out at {@code now}: an active job whose lease ends at or before it. */
    public boolean leaseRunOutAt(Instant now) {
        return state == JobState.ACTIVE && !leaseExpiresAt.isAfter(now);
    }

    /** Whether a delayed or retrying job is due at {@code now}. */
    public boolean dueAt(Instant now) {
        return (state == JobState.DELAYED || state == JobState.FAILED_WILL_RETRY) && !dueAt.isAfter(now);
    }

    /** Whether it holds its dedup key: it has one and is not finished. */
    public boolean holdsDedupKey() {
        return dedupKey != null && !state.finished();
    }

    /** Whether this job is handed out before {@code other}: higher priority first, then earlier waiting. */
    public boolean before(JobRecord other) {
        return priority != other.priority ? priority > other.priority : readySequence < other.readySequence;
    }

    JobRecord with(
            JobState newState,
            Instant newDueAt,
            long newReadySequence,
            int newAttempt,
            long newToken,
            String newWorker,
            Instant newLeaseExpiresAt,
            AttemptEnd newEnd) {
        return new JobRecord(
                jobId,
                name,
                payload,
                priority,
                maxAttempts,
                backoff,
                leaseSeconds,
                dedupKey,
                newState,
                newDueAt,
                newReadySequence,
                newAttempt,
                newToken,
                newWorker,
                newLeaseExpiresAt,
                newEnd);
    }
}
