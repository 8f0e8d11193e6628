package dev.turnstile.contracts.job;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;

/**
 * A command on the internal {@code job-requests} topic, keyed by its queue. The processor decides each command
 * from the queue's stored state and the command alone, so the command's timestamp is the only clock a decision
 * sees. Requests come from clients, workers and operators through the gateway ({@link JobRequest}); timer commands
 * are appended by the processor itself when, by its wall clock, something is due ({@link TimerCommand}).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = EnqueueJob.class, name = "EnqueueJob"),
    @JsonSubTypes.Type(value = ClaimNextJob.class, name = "ClaimNextJob"),
    @JsonSubTypes.Type(value = HeartbeatJob.class, name = "HeartbeatJob"),
    @JsonSubTypes.Type(value = CompleteJob.class, name = "CompleteJob"),
    @JsonSubTypes.Type(value = FailJob.class, name = "FailJob"),
    @JsonSubTypes.Type(value = AppendJobLogs.class, name = "AppendJobLogs"),
    @JsonSubTypes.Type(value = AttachJobArtifact.class, name = "AttachJobArtifact"),
    @JsonSubTypes.Type(value = CancelJob.class, name = "CancelJob"),
    @JsonSubTypes.Type(value = RetryJob.class, name = "RetryJob"),
    @JsonSubTypes.Type(value = DeleteJob.class, name = "DeleteJob"),
    @JsonSubTypes.Type(value = PauseQueue.class, name = "PauseQueue"),
    @JsonSubTypes.Type(value = ResumeQueue.class, name = "ResumeQueue"),
    @JsonSubTypes.Type(value = ConfigureQueue.class, name = "ConfigureQueue"),
    @JsonSubTypes.Type(value = JobDueCheck.class, name = "JobDueCheck"),
    @JsonSubTypes.Type(value = LeaseDueCheck.class, name = "LeaseDueCheck"),
    @JsonSubTypes.Type(value = WaitDueCheck.class, name = "WaitDueCheck")
})
public sealed interface JobCommand permits JobRequest, TimerCommand {

    /** The request id and the queue. */
    JobCommandHeader header();

    /** When the gateway accepted the command (a timer: when the processor appended it); the record timestamp. */
    @JsonIgnore
    Instant timestamp();

    /**
     * What is asked, by whom, in one comparable line (no request id, no timestamp). A request id replays its answer
     * only to a command with the same fingerprint: the same request, retried.
     */
    @JsonIgnore
    String fingerprint();

    /** Idempotency key: a retry of the request (same fingerprint) is answered as before. */
    default String requestId() {
        return header().requestId();
    }

    /** The queue, also the record key. */
    default String queue() {
        return header().queue();
    }
}
