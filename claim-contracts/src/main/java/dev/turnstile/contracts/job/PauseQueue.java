package dev.turnstile.contracts.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.time.Instant;
import java.util.Objects;

/**
 * An operator pauses the queue: claim-next hands out nothing until it is resumed; active jobs go on.
 *
 * @param requestedBy who asked, for the record; null when unknown
 * @param requestedAt when the gateway received the request
 */
public record PauseQueue(
        @JsonUnwrapped JobCommandHeader header,
        @JsonInclude(JsonInclude.Include.NON_NULL) String requestedBy,
        Instant requestedAt)
        implements OperatorCommand<PauseAnswer> {

    public PauseQueue {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(requestedAt, "requestedAt");
        JobRules.require(
                "pause of queue " + header.queue(),
                JobRules.all(
                        JobRules.checkQueue(header.queue()),
                        JobRules.checkPrintable("requestedBy", requestedBy, false)));
    }

    public static PauseQueue of(String queue, String requestId, String requestedBy, Instant requestedAt) {
        return new PauseQueue(JobCommandHeader.of(queue, requestId), requestedBy, requestedAt);
    }

    /** The same request, sent at another time (a client retry). */
    public PauseQueue at(Instant time) {
        return new PauseQueue(header, requestedBy, time);
    }

    @Override
    public Instant timestamp() {
        return requestedAt;
    }

    @Override
    public String fingerprint() {
        return "pause by " + requestedBy;
    }

    @Override
    public JobRequestKind kind() {
        return JobRequestKind.PAUSE;
    }

    @Override
    public Class<PauseAnswer> answerType() {
        return PauseAnswer.class;
    }
}
