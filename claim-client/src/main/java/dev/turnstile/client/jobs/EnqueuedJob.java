package dev.turnstile.client.jobs;

import dev.turnstile.contracts.job.JobState;
import java.time.Instant;

/**
 * The coordinator's answer to an enqueue: the job added, or the one already in the queue.
 *
 * @param created {@code true} when this request added the job (201); {@code false} when the queue already held one
 *     with the same job id, or an unfinished one with the same dedup key (200): nothing was added
 * @param id {@code <queue>:<jobId>}, how the other endpoints name the job
 * @param state where the job stands: {@code delayed} or {@code waiting} when created, any state for an existing job
 * @param matchedBy for an existing job: {@code job_id} or {@code dedup_key}
 * @param runAt when the job may first run (created jobs)
 * @param requestId the request id the enqueue was sent with, the same on every attempt
 * @param redelivery {@code true} when this is the answer to an earlier attempt of the same request
 */
public record EnqueuedJob(
        boolean created,
        String message,
        String id,
        String queue,
        String jobId,
        JobState state,
        String matchedBy,
        Instant runAt,
        String requestId,
        boolean redelivery) {}
