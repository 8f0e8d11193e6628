package dev.turnstile.projections.jobs;

import dev.turnstile.contracts.job.Backoff;
import dev.turnstile.contracts.job.ClaimNextParked;
import dev.turnstile.contracts.job.DedupMatch;
import dev.turnstile.contracts.job.FailureKind;
import dev.turnstile.contracts.job.JobAlreadyEnqueued;
import dev.turnstile.contracts.job.JobArtifactAttached;
import dev.turnstile.contracts.job.JobCancelled;
import dev.turnstile.contracts.job.JobClaimed;
import dev.turnstile.contracts.job.JobDeleted;
import dev.turnstile.contracts.job.JobEnqueued;
import dev.turnstile.contracts.job.JobEvent;
import dev.turnstile.contracts.job.JobEventHeader;
import dev.turnstile.contracts.job.JobFailed;
import dev.turnstile.contracts.job.JobHeartbeatReceived;
import dev.turnstile.contracts.job.JobLogsAppended;
import dev.turnstile.contracts.job.JobReady;
import dev.turnstile.contracts.job.JobRefusalReason;
import dev.turnstile.contracts.job.JobRequestKind;
import dev.turnstile.contracts.job.JobRequestRefused;
import dev.turnstile.contracts.job.JobRetried;
import dev.turnstile.contracts.job.JobState;
import dev.turnstile.contracts.job.JobSucceeded;
import dev.turnstile.contracts.job.NoJobAvailable;
import dev.turnstile.contracts.job.NoJobReason;
import dev.turnstile.contracts.job.QueueConfigured;
import dev.turnstile.contracts.job.QueuePaused;
import dev.turnstile.contracts.job.QueueResumed;
import dev.turnstile.contracts.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Job events as the processor writes them, numbered per queue, at explicit times: what the read-model tests feed.
 * Each method appends one event to {@link #all()} and returns it.
 */
final class JobEvents {

    static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    private final Map<String, Long> sequences = new HashMap<>();
    private final List<JobEvent> all = new ArrayList<>();
    private Instant now = T0;

    /** Moves the time of the next events on. */
    JobEvents after(Duration duration) {
        now = now.plus(duration);
        return this;
    }

    Instant now() {
        return now;
    }

    List<JobEvent> all() {
        return List.copyOf(all);
    }

    JobEnqueued enqueued(String queue, String jobId, String name) {
        return add(new JobEnqueued(
                next(queue), jobId, name, payload(jobId), 0, now, 3, Backoff.DEFAULT, 30, null, JobState.WAITING));
    }

    JobEnqueued delayed(String queue, String jobId, String name, Instant runAt) {
        return add(new JobEnqueued(
                next(queue), jobId, name, null, 0, runAt, 3, Backoff.DEFAULT, 30, null, JobState.DELAYED));
    }

    JobAlreadyEnqueued alreadyEnqueued(String queue, String jobId, String requestedJobId) {
        return add(new JobAlreadyEnqueued(next(queue), jobId, requestedJobId, DedupMatch.DEDUP_KEY, JobState.WAITING));
    }

    JobReady ready(String queue, String jobId, JobState previous) {
        return add(new JobReady(next(queue), jobId, previous));
    }

    JobClaimed claimed(String queue, String jobId, String worker, int attempt, long token) {
        return add(new JobClaimed(
                next(queue), jobId, worker, attempt, token, 30, now.plusSeconds(30), "send", payload(jobId), 0, 3));
    }

    JobHeartbeatReceived heartbeat(
            String queue, String jobId, String worker, int attempt, long token, Integer progress, String message) {
        return add(new JobHeartbeatReceived(
                next(queue), jobId, worker, attempt, token, now.plusSeconds(30), progress, message));
    }

    JobSucceeded succeeded(String queue, String jobId, String worker, int attempt, long token) {
        return add(
                new JobSucceeded(next(queue), jobId, worker, attempt, token, Json.MAPPER.valueToTree(Map.of("ok", 1))));
    }

    JobFailed failed(String queue, String jobId, String worker, int attempt, long token, JobState state) {
        return add(new JobFailed(
                next(queue),
                jobId,
                worker,
                attempt,
                token,
                FailureKind.WORKER_FAILED,
                "boom",
                true,
                state,
                state == JobState.DEAD ? null : now.plusSeconds(5),
                null));
    }

    JobFailed leaseExpired(String queue, String jobId, String worker, int attempt, long token) {
        return add(new JobFailed(
                next(queue),
                jobId,
                worker,
                attempt,
                token,
                FailureKind.LEASE_EXPIRED,
                "lease expired",
                true,
                JobState.FAILED_WILL_RETRY,
                now.plusSeconds(5),
                now.minusSeconds(1)));
    }

    JobLogsAppended logs(String queue, String jobId, String worker, int attempt, long token, String... lines) {
        return add(new JobLogsAppended(next(queue), jobId, worker, attempt, token, List.of(lines)));
    }

    JobArtifactAttached artifact(String queue, String jobId, String worker, String name) {
        return add(new JobArtifactAttached(
                next(queue), jobId, worker, 1, 1, name, "s3://bucket/" + name, 123, "a".repeat(64), "text/html"));
    }

    JobCancelled cancelled(String queue, String jobId, JobState previous, String worker, Long token) {
        return add(new JobCancelled(next(queue), jobId, previous, worker, token, "operator"));
    }

    JobRetried retried(String queue, String jobId, JobState previous) {
        return add(new JobRetried(next(queue), jobId, previous, "operator"));
    }

    JobDeleted deleted(String queue, String jobId, JobState previous) {
        return add(new JobDeleted(next(queue), jobId, previous, "operator"));
    }

    JobRequestRefused refused(String queue, String jobId, JobRequestKind kind, JobRefusalReason reason) {
        return add(new JobRequestRefused(next(queue), kind, reason, jobId, "worker-1", 1L, 2L, JobState.ACTIVE, null));
    }

    NoJobAvailable noJob(String queue) {
        return add(new NoJobAvailable(next(queue), "worker-9", NoJobReason.WAIT_EXPIRED));
    }

    ClaimNextParked parked(String queue) {
        return add(new ClaimNextParked(next(queue), "worker-9", 30, now.plusSeconds(30)));
    }

    QueuePaused paused(String queue) {
        return add(new QueuePaused(next(queue), "operator"));
    }

    QueueResumed resumed(String queue) {
        return add(new QueueResumed(next(queue), "operator"));
    }

    QueueConfigured configured(String queue, Integer concurrency) {
        return add(new QueueConfigured(next(queue), concurrency, "operator"));
    }

    /** The records of {@code events} on partition 0 from {@code firstOffset}, as the runner hands them over. */
    static List<JobEventRecord> records(List<? extends JobEvent> events, long firstOffset) {
        var records = new ArrayList<JobEventRecord>();
        long offset = firstOffset;
        for (var event : events) {
            records.add(new JobEventRecord(0, offset++, Json.MAPPER.writeValueAsBytes(event), null));
        }
        return records;
    }

    static JobEventRecord garbage(long offset, String text) {
        return new JobEventRecord(0, offset, text.getBytes(StandardCharsets.UTF_8), null);
    }

    private static JsonNode payload(String jobId) {
        return Json.MAPPER.valueToTree(Map.of("to", jobId + "@example.com"));
    }

    private JobEventHeader next(String queue) {
        long sequence = sequences.merge(queue, 1L, Long::sum);
        return JobEventHeader.of(queue, sequence, "req-" + queue + "-" + sequence, now);
    }

    private <E extends JobEvent> E add(E event) {
        all.add(event);
        return event;
    }
}
