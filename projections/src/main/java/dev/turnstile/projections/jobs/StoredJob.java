package dev.turnstile.projections.jobs;

import dev.turnstile.contracts.job.Backoff;
import dev.turnstile.contracts.job.JobRef;
import dev.turnstile.contracts.job.JobState;
import java.time.Instant;
import tools.jackson.databind.JsonNode;

/**
 * What the read model keeps about one job (as JSON under {@code J:<queue>\0<jobId>}); see {@link JobDetail} for the
 * fields. {@code enqueueSequence} orders the queue's job lists; the three counts number the job's timeline entries,
 * log lines and artifacts (the newest of which are kept).
 */
record StoredJob(
        String queue,
        String jobId,
        long enqueueSequence,
        String name,
        JsonNode payload,
        int priority,
        int maxAttempts,
        Backoff backoff,
        int leaseSeconds,
        String dedupKey,
        JobState state,
        Instant enqueuedAt,
        Instant updatedAt,
        Instant runAt,
        Instant finishedAt,
        int attempt,
        long fencingToken,
        String workerId,
        Instant leaseExpiresAt,
        Integer progress,
        String progressMessage,
        Instant lastHeartbeatAt,
        JsonNode result,
        String lastError,
        String lastFailure,
        String cancelledBy,
        long timelineCount,
        long logCount,
        long artifactCount) {

    StoredJob {
        payload = payload == null || payload.isNull() ? null : payload;
        result = result == null || result.isNull() ? null : result;
    }

    JobSummary summary() {
        return new JobSummary(
                new JobRef(queue, jobId).toString(),
                queue,
                jobId,
                name,
                state,
                priority,
                attempt,
                maxAttempts,
                workerId,
                progress,
                enqueuedAt,
                updatedAt,
                runAt,
                state == JobState.ACTIVE ? leaseExpiresAt : null,
                finishedAt,
                dedupKey);
    }

    /** Whether the job is done (succeeded, dead or cancelled), so that a clean may drop it. */
    boolean finished() {
        return state.finished();
    }
}
