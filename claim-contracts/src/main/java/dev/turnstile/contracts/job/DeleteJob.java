package dev.turnstile.contracts.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.time.Instant;
import java.util.Objects;

/**
 * An operator deletes a job from the queue (not while it is active: cancel it first). Its job id may be used again.
 *
 * @param jobId the job
 * @param requestedBy who asked, for the record; null when unknown
 * @param requestedAt when the gateway received the request
 */
public record DeleteJob(
        @JsonUnwrapped JobCommandHeader header,
        String jobId,
        @JsonInclude(JsonInclude.Include.NON_NULL) String requestedBy,
        Instant requestedAt)
        implements OperatorCommand<DeleteAnswer> {

    public DeleteJob {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(requestedAt, "requestedAt");
        JobRules.require(
                "delete of job " + jobId + " on queue " + header.queue(),
                JobRules.all(
                        JobRules.checkQueue(header.queue()),
                        JobRules.checkJobId(jobId),
                        JobRules.checkPrintable("requestedBy", requestedBy, false)));
    }

    public static DeleteJob of(String queue, String requestId, String jobId, String requestedBy, Instant requestedAt) {
        return new DeleteJob(JobCommandHeader.of(queue, requestId), jobId, requestedBy, requestedAt);
    }

    /** The same request, sent at another time (a client retry). */
    public DeleteJob at(Instant time) {
        return new DeleteJob(header, jobId, requestedBy, time);
    }

    @Override
    public Instant timestamp() {
        return requestedAt;
    }

    @Override
    public String fingerprint() {
        return "delete job=" + jobId + " by " + requestedBy;
    }

    @Override
    public JobRequestKind kind() {
        return JobRequestKind.DELETE;
    }

    @Override
    public Class<DeleteAnswer> answerType() {
        return DeleteAnswer.class;
    }
}
