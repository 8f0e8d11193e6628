package dev.turnstile.client.jobs;

import dev.turnstile.contracts.job.JobState;

/**
 * The coordinator's answer to an operator's request. A refusal is an answer, not an exception.
 *
 * @param accepted {@code true} when done; {@code false} when refused (409, or 404 for an unknown job)
 * @param result {@code cancelled}, {@code retried}, {@code deleted}, {@code paused}, {@code resumed},
 *     {@code configured}, or {@code refused}
 * @param reason when refused: {@code job_finished}, {@code job_active}, {@code not_retryable}, {@code dedup_key_taken},
 *     {@code already_paused}, {@code not_paused} or {@code unknown_job}; null when accepted
 * @param id the job ({@code <queue>:<jobId>}) for job requests, null for queue requests
 * @param state where the job stands now (cancel, retry), if said
 * @param previousState where it stood before (cancel, retry, delete), if said
 * @param concurrency the queue's limit after a settings change (null: no limit)
 */
public record OperatorAnswer(
        boolean accepted,
        String result,
        String reason,
        String message,
        String id,
        JobState state,
        JobState previousState,
        Integer concurrency) {}
