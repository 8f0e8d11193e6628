package dev.turnstile.contracts.job;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.time.Instant;
import java.util.Objects;

/**
 * The worker reports that the attempt failed. If the failure is retryable and attempts remain, the job waits out
 * its backoff and is then waiting again; otherwise it is dead.
 *
 * @param jobId the job
 * @param workerId who asks; must be the worker of the attempt
 * @param fencingToken the token of the attempt the worker was granted
 * @param error what went wrong, 1–8192 characters
 * @param retryable false when retrying cannot help (the job goes dead at once); the gateway writes true when the worker does not say
 * @param requestedAt when the gateway received the request
 */
public record FailJob(
        @JsonUnwrapped JobCommandHeader header,
        String jobId,
        String workerId,
        long fencingToken,
        String error,
        boolean retryable,
        Instant requestedAt)
        implements WorkerCommand<FailAnswer> {

    public FailJob {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(requestedAt, "requestedAt");
        JobRules.require(
                "fail of job " + jobId + " on queue " + header.queue(),
                JobRules.all(
                        JobRules.checkQueue(header.queue()),
                        JobRules.checkJobId(jobId),
                        JobRules.checkWorkerId(workerId),
                        JobRules.checkRange("fencingToken", fencingToken, 1, Long.MAX_VALUE),
                        JobRules.checkLength("error", error, JobRules.ERROR_MAX_LENGTH, true)));
    }

    public static FailJob of(
            String queue,
            String requestId,
            String jobId,
            String workerId,
            long fencingToken,
            String error,
            boolean retryable,
            Instant requestedAt) {
        return new FailJob(
                JobCommandHeader.of(queue, requestId), jobId, workerId, fencingToken, error, retryable, requestedAt);
    }

    /** The same request, sent at another time (a client retry). */
    public FailJob at(Instant time) {
        return new FailJob(header, jobId, workerId, fencingToken, error, retryable, time);
    }

    @Override
    public Instant timestamp() {
        return requestedAt;
    }

    @Override
    public String fingerprint() {
        return "fail job=" + jobId + " token=" + fencingToken + " retryable=" + retryable + " error="
                + Fingerprints.digest(error) + " by " + workerId;
    }

    @Override
    public JobRequestKind kind() {
        return JobRequestKind.FAIL;
    }

    @Override
    public Class<FailAnswer> answerType() {
        return FailAnswer.class;
    }
}
