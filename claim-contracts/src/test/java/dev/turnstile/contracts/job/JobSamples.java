package dev.turnstile.contracts.job;

import dev.turnstile.contracts.json.Json;
import java.time.Instant;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** One of every command and every event of the job language, with every optional field set somewhere. */
final class JobSamples {

    static final Instant AT = Instant.parse("2026-11-23T10:30:00.123Z");
    static final JsonNode PAYLOAD = Json.MAPPER.readTree("{\"invoice\":42,\"lines\":[1,2.5,\"x\"],\"urgent\":true}");
    static final JsonNode RESULT = Json.MAPPER.readTree("{\"sent\":true}");
    static final String SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    private JobSamples() {}

    static final List<JobCommand> COMMANDS = List.of(
            EnqueueJob.of("billing", "req-00000001", "invoice-42", "send-invoice", PAYLOAD, AT),
            EnqueueJob.of("billing", "req-00000002", "invoice-43", "send-invoice", null, AT)
                    .withPriority(10)
                    .withDelaySeconds(60)
                    .withMaxAttempts(5)
                    .withBackoff(Backoff.exponential(2, 120))
                    .withLeaseSeconds(45)
                    .withDedupKey("customer-7"),
            EnqueueJob.of("billing", "req-00000003", "invoice-44", "send-invoice", PAYLOAD, AT)
                    .withRunAt(AT.plusSeconds(3600))
                    .withBackoff(Backoff.fixed(10)),
            ClaimNextJob.of("billing", "req-00000004", "worker-1", 30, AT),
            HeartbeatJob.of("billing", "req-00000005", "invoice-42", "worker-1", 7, 50, "rendering PDF", AT),
            HeartbeatJob.of("billing", "req-00000006", "invoice-42", "worker-1", 7, null, null, AT),
            CompleteJob.of("billing", "req-00000007", "invoice-42", "worker-1", 7, RESULT, AT),
            CompleteJob.of("billing", "req-00000008", "invoice-42", "worker-1", 7, null, AT),
            FailJob.of("billing", "req-00000009", "invoice-42", "worker-1", 7, "SMTP 451", true, AT),
            AppendJobLogs.of("billing", "req-00000010", "invoice-42", "worker-1", 7, List.of("start", "done"), AT),
            AttachJobArtifact.of(
                    "billing",
                    "req-00000011",
                    "invoice-42",
                    "worker-1",
                    7,
                    "invoice.pdf",
                    "s3://bucket/invoice-42.pdf",
                    18_211,
                    SHA,
                    "application/pdf",
                    AT),
            CancelJob.of("billing", "req-00000012", "invoice-42", "alice", AT),
            RetryJob.of("billing", "req-00000013", "invoice-42", null, AT),
            DeleteJob.of("billing", "req-00000014", "invoice-42", "alice", AT),
            PauseQueue.of("billing", "req-00000015", "alice", AT),
            ResumeQueue.of("billing", "req-00000016", null, AT),
            ConfigureQueue.of("billing", "req-00000017", 4, "alice", AT),
            ConfigureQueue.of("billing", "req-00000018", null, null, AT),
            JobDueCheck.of("billing", "invoice-43", AT.plusSeconds(61)),
            LeaseDueCheck.of("billing", "invoice-42", 7, AT.plusSeconds(31)),
            WaitDueCheck.of("billing", "req-00000004", AT.plusSeconds(30)));

    static JobEventHeader header(long sequence, String requestId) {
        return JobEventHeader.of("billing", sequence, requestId, AT.plusSeconds(sequence));
    }

    static final List<JobEvent> EVENTS = List.of(
            new JobEnqueued(
                    header(1, "req-00000001"),
                    "invoice-42",
                    "send-invoice",
                    PAYLOAD,
                    0,
                    AT,
                    3,
                    Backoff.DEFAULT,
                    30,
                    null,
                    JobState.WAITING),
            new JobEnqueued(
                    header(2, "req-00000002"),
                    "invoice-43",
                    "send-invoice",
                    null,
                    10,
                    AT.plusSeconds(60),
                    5,
                    Backoff.exponential(2, 120),
                    45,
                    "customer-7",
                    JobState.DELAYED),
            new JobAlreadyEnqueued(
                    header(3, "req-00000019"), "invoice-43", "invoice-99", DedupMatch.DEDUP_KEY, JobState.DELAYED),
            new JobReady(header(4, "due:invoice-43@1795429861123"), "invoice-43", JobState.DELAYED),
            new JobClaimed(
                    header(5, "req-00000004"),
                    "invoice-42",
                    "worker-1",
                    1,
                    7,
                    30,
                    AT.plusSeconds(35),
                    "send-invoice",
                    PAYLOAD,
                    0,
                    3),
            new NoJobAvailable(header(6, "req-00000020"), "worker-2", NoJobReason.QUEUE_EMPTY),
            new ClaimNextParked(header(7, "req-00000021"), "worker-3", 30, AT.plusSeconds(37)),
            new JobHeartbeatReceived(
                    header(8, "req-00000005"), "invoice-42", "worker-1", 1, 7, AT.plusSeconds(38), 50, "rendering PDF"),
            new JobHeartbeatReceived(
                    header(9, "req-00000006"), "invoice-42", "worker-1", 1, 7, AT.plusSeconds(39), null, null),
            new JobLogsAppended(header(10, "req-00000010"), "invoice-42", "worker-1", 1, 7, List.of("start", "done")),
            new JobArtifactAttached(
                    header(11, "req-00000011"),
                    "invoice-42",
                    "worker-1",
                    1,
                    7,
                    "invoice.pdf",
                    "s3://bucket/invoice-42.pdf",
                    18_211,
                    SHA,
                    "application/pdf"),
            new JobSucceeded(header(12, "req-00000007"), "invoice-42", "worker-1", 1, 7, RESULT),
            new JobFailed(
                    header(13, "req-00000009"),
                    "invoice-43",
                    "worker-2",
                    1,
                    8,
                    FailureKind.WORKER_FAILED,
                    "SMTP 451",
                    true,
                    JobState.FAILED_WILL_RETRY,
                    AT.plusSeconds(15),
                    null),
            new JobFailed(
                    header(14, "lease:invoice-43:9@1795429861123"),
                    "invoice-43",
                    "worker-2",
                    2,
                    9,
                    FailureKind.LEASE_EXPIRED,
                    "lease expired",
                    true,
                    JobState.DEAD,
                    null,
                    AT.plusSeconds(14)),
            new JobCancelled(header(15, "req-00000012"), "invoice-44", JobState.ACTIVE, "worker-3", 10L, "alice"),
            new JobCancelled(header(16, "req-00000022"), "invoice-45", JobState.WAITING, null, null, null),
            new JobRetried(header(17, "req-00000013"), "invoice-43", JobState.DEAD, null),
            new JobDeleted(header(18, "req-00000014"), "invoice-44", JobState.CANCELLED, "alice"),
            new QueuePaused(header(19, "req-00000015"), "alice"),
            new QueueResumed(header(20, "req-00000016"), null),
            new QueueConfigured(header(21, "req-00000017"), 4, "alice"),
            new QueueConfigured(header(22, "req-00000018"), null, null),
            new JobRequestRefused(
                    header(23, "req-00000023"),
                    JobRequestKind.HEARTBEAT,
                    JobRefusalReason.CANCELLED,
                    "invoice-44",
                    "worker-3",
                    10L,
                    10L,
                    JobState.CANCELLED,
                    null),
            new JobRequestRefused(
                    header(24, "req-00000024"),
                    JobRequestKind.COMPLETE,
                    JobRefusalReason.LEASE_EXPIRED,
                    "invoice-43",
                    "worker-2",
                    9L,
                    9L,
                    JobState.DEAD,
                    AT.plusSeconds(14)),
            new JobRequestRefused(
                    header(25, "req-00000025"),
                    JobRequestKind.PAUSE,
                    JobRefusalReason.ALREADY_PAUSED,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null));
}
