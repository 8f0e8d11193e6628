package dev.turnstile.contracts.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.time.Instant;
import java.util.Objects;

/**
 * An operator resumes a paused queue: waiting jobs are handed out again, first to parked claim-next requests.
 *
 * @param requestedBy who asked, for the record; null when unknown
 * @param requestedAt when the gateway received the request
 */
public record ResumeQueue(
        @JsonUnwrapped JobCommandHeader header,
        @JsonInclude(JsonInclude.Include.NON_NULL) String requestedBy,
        Instant requestedAt)
        implements OperatorCommand<ResumeAnswer> {

    public ResumeQueue {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(requestedAt, "requestedAt");
        JobRules.require(
                "resume of queue " + header.queue(),
                JobRules.all(
                        JobRules.checkQueue(header.queue()),
                        JobRules.checkPrintable("requestedBy", requestedBy, false)));
    }

    public static ResumeQueue of(String queue, String requestId, String requestedBy, Instant requestedAt) {
        return new ResumeQueue(JobCommandHeader.of(queue, requestId), requestedBy, requestedAt);
    }

    /** The same request, sent at another time (a client retry). */
    public ResumeQueue at(Instant time) {
        return new ResumeQueue(header, requestedBy, time);
    }

    @Override
    public Instant timestamp() {
        return requestedAt;
    }

    @Override
    public String fingerprint() {
        return "resume by " + requestedBy;
    }

    @Override
    public JobRequestKind kind() {
        return JobRequestKind.RESUME;
    }

    @Override
    public Class<ResumeAnswer> answerType() {
        return ResumeAnswer.class;
    }
}
