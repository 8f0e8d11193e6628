package dev.turnstile.contracts.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.time.Instant;
import java.util.Objects;

/**
 * An operator changes the queue's settings: at most {@code concurrency} of its jobs are active at once. Lowering it
 * below the number now active stops nothing; new jobs are handed out once fewer are active.
 *
 * @param concurrency most jobs active at once, 1–10000; null for no limit
 * @param requestedBy who asked, for the record; null when unknown
 * @param requestedAt when the gateway received the request
 */
public record ConfigureQueue(
        @JsonUnwrapped JobCommandHeader header,
        @JsonInclude(JsonInclude.Include.NON_NULL) Integer concurrency,
        @JsonInclude(JsonInclude.Include.NON_NULL) String requestedBy,
        Instant requestedAt)
        implements OperatorCommand<ConfigureAnswer> {

    public ConfigureQueue {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(requestedAt, "requestedAt");
        JobRules.require(
                "configure of queue " + header.queue(),
                JobRules.all(
                        JobRules.checkQueue(header.queue()),
                        JobRules.checkPrintable("requestedBy", requestedBy, false),
                        concurrency == null
                                ? java.util.List.of()
                                : JobRules.checkRange("concurrency", concurrency, 1, JobRules.CONCURRENCY_MAX)));
    }

    public static ConfigureQueue of(
            String queue, String requestId, Integer concurrency, String requestedBy, Instant requestedAt) {
        return new ConfigureQueue(JobCommandHeader.of(queue, requestId), concurrency, requestedBy, requestedAt);
    }

    /** The same request, sent at another time (a client retry). */
    public ConfigureQueue at(Instant time) {
        return new ConfigureQueue(header, concurrency, requestedBy, time);
    }

    @Override
    public Instant timestamp() {
        return requestedAt;
    }

    @Override
    public String fingerprint() {
        return "configure concurrency=" + concurrency + " by " + requestedBy;
    }

    @Override
    public JobRequestKind kind() {
        return JobRequestKind.CONFIGURE;
    }

    @Override
    public Class<ConfigureAnswer> answerType() {
        return ConfigureAnswer.class;
    }
}
