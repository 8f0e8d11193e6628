package dev.turnstile.contracts.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.time.Instant;
import java.util.Objects;

/**
 * An operator retries a dead job, or one waiting out its backoff: it is waiting at once, with a fresh round of
 * {@code maxAttempts} attempts (attempt numbers start again at 1; fencing tokens keep increasing).
 *
 * @param jobId the job
 * @param requestedBy who asked, for the record; null when unknown
 * @param requestedAt when the gateway received the request
 */
public record RetryJob(
        @JsonUnwrapped JobCommandHeader header,
        String jobId,
        @JsonInclude(JsonInclude.Include.NON_NULL) String requestedBy,
        Instant requestedAt)
        implements OperatorCommand<RetryAnswer> {

    public RetryJob {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(requestedAt, "requestedAt");
        JobRules.require(
                "retry of job " + jobId + " on queue " + header.queue(),
                JobRules.all(
                        JobRules.checkQueue(header.queue()),
                        JobRules.checkJobId(jobId),
                        JobRules.checkPrintable("requestedBy", requestedBy, false)));
    }

    public static RetryJob of(String queue, String requestId, String jobId, String requestedBy, Instant requestedAt) {
        return new RetryJob(JobCommandHeader.of(queue, requestId), jobId, requestedBy, requestedAt);
    }

    /** The same request, sent at another time (a client retry). */
    public RetryJob at(Instant time) {
        return new RetryJob(header, jobId, requestedBy, time);
    }

    @Override
    public Instant timestamp() {
        return requestedAt;
    }

    @Override
    public String fingerprint() {
        return "retry job=" + jobId + " by " + requestedBy;
    }

    @Override
    public JobRequestKind kind() {
        return JobRequestKind.RETRY;
    }

    @Override
    public Class<RetryAnswer> answerType() {
        return RetryAnswer.class;
    }
}
