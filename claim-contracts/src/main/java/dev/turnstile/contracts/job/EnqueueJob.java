package dev.turnstile.contracts.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.time.Instant;
import java.util.Objects;
import tools.jackson.databind.JsonNode;

/**
 * A client asks to add a job to the queue. If a job with this {@code jobId} is in the queue, or an unfinished job
 * with this {@code dedupKey}, the answer is that job ({@link JobAlreadyEnqueued}) and nothing is added.
 *
 * @param jobId the client's id for the job, or one the gateway made
 * @param name what the job is, for people (e.g. {@code send-invoice})
 * @param payload what the worker needs, any JSON value of at most 64 KiB; null for none
 * @param priority higher is handed out first; equal priorities in the order they became waiting. Default 0
 * @param runAt run no earlier than this; null for now (or {@code delaySeconds})
 * @param delaySeconds run no earlier than this long after {@code requestedAt}; null for now (or {@code runAt})
 * @param maxAttempts how many attempts before the job is dead, 1–100; default 3
 * @param backoff the wait after a failed attempt; default exponential 5 s up to 10 minutes
 * @param leaseSeconds how long an attempt holds the job without a heartbeat, 1–3600; default 30
 * @param dedupKey while an unfinished job has this key, enqueueing another answers that one; null for none
 * @param requestedAt when the gateway received the request
 */
public record EnqueueJob(
        @JsonUnwrapped JobCommandHeader header,
        String jobId,
        String name,
        @JsonInclude(JsonInclude.Include.NON_NULL) JsonNode payload,
        int priority,
        @JsonInclude(JsonInclude.Include.NON_NULL) Instant runAt,
        @JsonInclude(JsonInclude.Include.NON_NULL) Long delaySeconds,
        int maxAttempts,
        Backoff backoff,
        int leaseSeconds,
        @JsonInclude(JsonInclude.Include.NON_NULL) String dedupKey,
        Instant requestedAt)
        implements JobRequest<EnqueueAnswer> {

    public EnqueueJob {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(requestedAt, "requestedAt");
        payload = payload == null || payload.isNull() ? null : payload;
        maxAttempts = maxAttempts == 0 ? JobRules.DEFAULT_MAX_ATTEMPTS : maxAttempts;
        leaseSeconds = leaseSeconds == 0 ? JobRules.DEFAULT_LEASE_SECONDS : leaseSeconds;
        backoff = backoff == null ? Backoff.DEFAULT : backoff;
        var violations = JobRules.all(
                JobRules.checkQueue(header.queue()),
                JobRules.checkJobId(jobId),
                JobRules.checkPrintable("name", name, true),
                JobRules.checkJsonSize("payload", payload),
                JobRules.checkRange("priority", priority, JobRules.PRIORITY_MIN, JobRules.PRIORITY_MAX),
                delaySeconds == null
                        ? java.util.List.of()
                        : JobRules.checkRange("delaySeconds", delaySeconds, 0, JobRules.DELAY_MAX_SECONDS),
                JobRules.checkRange("maxAttempts", maxAttempts, 1, JobRules.MAX_ATTEMPTS_LIMIT),
                JobRules.checkRange("leaseSeconds", leaseSeconds, 1, JobRules.LEASE_MAX_SECONDS),
                JobRules.checkPrintable("dedupKey", dedupKey, false));
        JobRules.require("enqueue of job " + jobId + " on queue " + header.queue(), violations);
        if (runAt != null && delaySeconds != null) {
            throw new IllegalArgumentException("Enqueue of job " + jobId + " on queue " + header.queue()
                    + " gives both runAt and delaySeconds; give at most one");
        }
    }

    /** A job to run now with the defaults (priority 0, 3 attempts, default backoff, 30 s leases, no dedup key). */
    public static EnqueueJob of(
            String queue, String requestId, String jobId, String name, JsonNode payload, Instant requestedAt) {
        return new EnqueueJob(
                JobCommandHeader.of(queue, requestId),
                jobId,
                name,
                payload,
                0,
                null,
                null,
                0,
                null,
                0,
                null,
                requestedAt);
    }

    public EnqueueJob withPriority(int newPriority) {
        return new EnqueueJob(
                header,
                jobId,
                name,
                payload,
                newPriority,
                runAt,
                delaySeconds,
                maxAttempts,
                backoff,
                leaseSeconds,
                dedupKey,
                requestedAt);
    }

    public EnqueueJob withRunAt(Instant newRunAt) {
        return new EnqueueJob(
                header,
                jobId,
                name,
                payload,
                priority,
                newRunAt,
                null,
                maxAttempts,
                backoff,
                leaseSeconds,
                dedupKey,
                requestedAt);
    }

    public EnqueueJob withDelaySeconds(long seconds) {
        return new EnqueueJob(
                header,
                jobId,
                name,
                payload,
                priority,
                null,
                seconds,
                maxAttempts,
                backoff,
                leaseSeconds,
                dedupKey,
                requestedAt);
    }

    public EnqueueJob withMaxAttempts(int attempts) {
        return new EnqueueJob(
                header,
                jobId,
                name,
                payload,
                priority,
                runAt,
                delaySeconds,
                attempts,
                backoff,
                leaseSeconds,
                dedupKey,
                requestedAt);
    }

    public EnqueueJob withBackoff(Backoff newBackoff) {
        return new EnqueueJob(
                header,
                jobId,
                name,
                payload,
                priority,
                runAt,
                delaySeconds,
                maxAttempts,
                newBackoff,
                leaseSeconds,
                dedupKey,
                requestedAt);
    }

    public EnqueueJob withLeaseSeconds(int seconds) {
        return new EnqueueJob(
                header,
                jobId,
                name,
                payload,
                priority,
                runAt,
                delaySeconds,
                maxAttempts,
                backoff,
                seconds,
                dedupKey,
                requestedAt);
    }

    public EnqueueJob withDedupKey(String key) {
        return new EnqueueJob(
                header,
                jobId,
                name,
                payload,
                priority,
                runAt,
                delaySeconds,
                maxAttempts,
                backoff,
                leaseSeconds,
                key,
                requestedAt);
    }

    /** The same request, sent at another time (a client retry). */
    public EnqueueJob at(Instant time) {
        return new EnqueueJob(
                header,
                jobId,
                name,
                payload,
                priority,
                runAt,
                delaySeconds,
                maxAttempts,
                backoff,
                leaseSeconds,
                dedupKey,
                time);
    }

    /** When the job may first run: {@code runAt}, else {@code requestedAt + delaySeconds}, else at once. */
    public Instant dueAt() {
        if (runAt != null) {
            return runAt;
        }
        return delaySeconds == null ? requestedAt : requestedAt.plusSeconds(delaySeconds);
    }

    @Override
    public Instant timestamp() {
        return requestedAt;
    }

    @Override
    public String fingerprint() {
        return "enqueue job=" + jobId + " name=" + name + " payload=" + Fingerprints.digest(payload) + " priority="
                + priority + " runAt=" + runAt + " delay=" + delaySeconds + " attempts=" + maxAttempts + " backoff="
                + backoff.kind().wireName() + "/" + backoff.baseSeconds() + "/" + backoff.capSeconds() + " lease="
                + leaseSeconds + " dedup=" + dedupKey;
    }

    @Override
    public JobRequestKind kind() {
        return JobRequestKind.ENQUEUE;
    }

    @Override
    public Class<EnqueueAnswer> answerType() {
        return EnqueueAnswer.class;
    }
}
