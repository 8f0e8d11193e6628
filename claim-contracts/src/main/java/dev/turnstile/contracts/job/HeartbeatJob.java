package dev.turnstile.contracts.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A worker says it is still running the job's attempt: the lease is extended to {@code requestedAt + leaseSeconds}
 * (never shortened). Refused with {@code cancelled} once an operator cancelled the job, so the worker stops.
 *
 * @param jobId the job
 * @param workerId who asks; must be the worker of the attempt
 * @param fencingToken the token of the attempt the worker was granted
 * @param progress how far along, 0–100 percent; null when unknown
 * @param message what the worker is doing, at most 1000 characters; null for nothing
 * @param requestedAt when the gateway received the request
 */
public record HeartbeatJob(
        @JsonUnwrapped JobCommandHeader header,
        String jobId,
        String workerId,
        long fencingToken,
        @JsonInclude(JsonInclude.Include.NON_NULL) Integer progress,
        @JsonInclude(JsonInclude.Include.NON_NULL) String message,
        Instant requestedAt)
        implements WorkerCommand<HeartbeatAnswer> {

    public HeartbeatJob {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(requestedAt, "requestedAt");
        JobRules.require(
                "heartbeat of job " + jobId + " on queue " + header.queue(),
                JobRules.all(
                        JobRules.checkQueue(header.queue()),
                        JobRules.checkJobId(jobId),
                        JobRules.checkWorkerId(workerId),
                        JobRules.checkRange("fencingToken", fencingToken, 1, Long.MAX_VALUE),
                        progress == null ? List.of() : JobRules.checkRange("progress", progress, 0, 100),
                        JobRules.checkLength("message", message, JobRules.MESSAGE_MAX_LENGTH, false)));
    }

    public static HeartbeatJob of(
            String queue,
            String requestId,
            String jobId,
            String workerId,
            long fencingToken,
            Integer progress,
            String message,
            Instant requestedAt) {
        return new HeartbeatJob(
                JobCommandHeader.of(queue, requestId), jobId, workerId, fencingToken, progress, message, requestedAt);
    }

    /** The same request, sent at another time (a client retry). */
    public HeartbeatJob at(Instant time) {
        return new HeartbeatJob(header, jobId, workerId, fencingToken, progress, message, time);
    }

    @Override
    public Instant timestamp() {
        return requestedAt;
    }

    @Override
    public String fingerprint() {
        return "heartbeat job=" + jobId + " token=" + fencingToken + " progress=" + progress + " message="
                + Fingerprints.digest(message) + " by " + workerId;
    }

    @Override
    public JobRequestKind kind() {
        return JobRequestKind.HEARTBEAT;
    }

    @Override
    public Class<HeartbeatAnswer> answerType() {
        return HeartbeatAnswer.class;
    }
}
