package dev.turnstile.contracts.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.time.Instant;
import java.util.Objects;

/**
 * An operator cancels a job: a delayed, waiting or retrying job is cancelled at once; an active one too, and its
 * worker's next heartbeat (or completion, failure, logs) is refused with {@code cancelled} so that it stops. A
 * cancelled job is never handed out again.
 *
 * @param jobId the job
 * @param requestedBy who asked, for the record; null when unknown
 * @param requestedAt when the gateway received the request
 */
public record CancelJob(
        @JsonUnwrapped JobCommandHeader header,
        String jobId,
        @JsonInclude(JsonInclude.Include.NON_NULL) String requestedBy,
        Instant requestedAt)
        implements OperatorCommand<CancelAnswer> {

    public CancelJob {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(requestedAt, "requestedAt");
        JobRules.require(
                "cancel of job " + jobId + " on queue " + header.queue(),
                JobRules.all(
                        JobRules.checkQueue(header.queue()),
                        JobRules.checkJobId(jobId),
                        JobRules.checkPrintable("requestedBy", requestedBy, false)));
    }

    public static CancelJob of(String queue, String requestId, String jobId, String requestedBy, Instant requestedAt) {
        return new CancelJob(JobCommandHeader.of(queue, requestId), jobId, requestedBy, requestedAt);
    }

    /** The same request, sent at another time (a client retry). */
    public CancelJob at(Instant time) {
        return new CancelJob(header, jobId, requestedBy, time);
    }

    @Override
    public Instant timestamp() {
        return requestedAt;
    }

    @Override
    public String fingerprint() {
        return "cancel job=" + jobId + " by " + requestedBy;
    }

    @Override
    public JobRequestKind kind() {
        return JobRequestKind.CANCEL;
    }

    @Override
    public Class<CancelAnswer> answerType() {
        return CancelAnswer.class;
    }
}
