package dev.turnstile.client.jobs;

import dev.turnstile.contracts.job.Backoff;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import tools.jackson.databind.JsonNode;

/**
 * A job to enqueue: {@code NewJob.named("send-welcome").payload(json).maxAttempts(5)}. Everything but the name is
 * optional; the coordinator's defaults apply to what is left out (priority 0, now, 3 attempts, exponential backoff from
 * 5 s to 10 min, a 30 s lease).
 *
 * @param name what the job does, 1–200 printable ASCII characters
 * @param payload the job's input as JSON (at most 64 KiB), or null
 * @param jobId the job's id within its queue (enqueueing the same id again answers the existing job), or null to let
 *     the coordinator name it after the request id
 * @param priority higher first (±1,000,000), or null for 0
 * @param delay how long until the job may first run, or null
 * @param runAt when the job may first run, or null (not with {@code delay})
 * @param maxAttempts attempts in all (1–100), or null for 3
 * @param backoff the wait after a failed attempt, or null for the coordinator's default
 * @param lease how long a worker holds the job between heartbeats (whole seconds, 1 s to 1 h), or null for 30 s
 * @param dedupKey while an unfinished job has this key, enqueueing another answers that one; or null
 * @param requestId the idempotency key sent on every attempt, or null for a new one
 */
public record NewJob(
        String name,
        JsonNode payload,
        String jobId,
        Integer priority,
        Duration delay,
        Instant runAt,
        Integer maxAttempts,
        Backoff backoff,
        Duration lease,
        String dedupKey,
        String requestId) {

    /** A job named {@code name}, with every other setting left to the coordinator. */
    public static NewJob named(String name) {
        return new NewJob(
                Objects.requireNonNull(name, "name"), null, null, null, null, null, null, null, null, null, null);
    }

    public NewJob payload(JsonNode payload) {
        return new NewJob(
                name, payload, jobId, priority, delay, runAt, maxAttempts, backoff, lease, dedupKey, requestId);
    }

    /** The payload as JSON: any value Jackson can write (a record, a map, a string, …). */
    public NewJob payloadOf(Object value) {
        return payload(JobClient.JSON.valueToTree(value));
    }

    public NewJob jobId(String jobId) {
        return new NewJob(
                name, payload, jobId, priority, delay, runAt, maxAttempts, backoff, lease, dedupKey, requestId);
    }

    public NewJob priority(int priority) {
        return new NewJob(
                name, payload, jobId, priority, delay, runAt, maxAttempts, backoff, lease, dedupKey, requestId);
    }

    public NewJob delay(Duration delay) {
        return new NewJob(
                name, payload, jobId, priority, delay, runAt, maxAttempts, backoff, lease, dedupKey, requestId);
    }

    public NewJob runAt(Instant runAt) {
        return new NewJob(
                name, payload, jobId, priority, delay, runAt, maxAttempts, backoff, lease, dedupKey, requestId);
    }

    public NewJob maxAttempts(int maxAttempts) {
        return new NewJob(
                name, payload, jobId, priority, delay, runAt, maxAttempts, backoff, lease, dedupKey, requestId);
    }

    public NewJob backoff(Backoff backoff) {
        return new NewJob(
                name, payload, jobId, priority, delay, runAt, maxAttempts, backoff, lease, dedupKey, requestId);
    }

    public NewJob lease(Duration lease) {
        return new NewJob(
                name, payload, jobId, priority, delay, runAt, maxAttempts, backoff, lease, dedupKey, requestId);
    }

    public NewJob dedupKey(String dedupKey) {
        return new NewJob(
                name, payload, jobId, priority, delay, runAt, maxAttempts, backoff, lease, dedupKey, requestId);
    }

    public NewJob requestId(String requestId) {
        return new NewJob(
                name, payload, jobId, priority, delay, runAt, maxAttempts, backoff, lease, dedupKey, requestId);
    }
}
