package dev.turnstile.contracts.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * An operator changed the queue's settings.
 *
 * @param concurrency most jobs active at once; absent for no limit
 * @param requestedBy who asked; absent when unknown
 */
public record QueueConfigured(
        @JsonUnwrapped JobEventHeader header,
        @JsonInclude(JsonInclude.Include.NON_NULL) Integer concurrency,
        @JsonInclude(JsonInclude.Include.NON_NULL) String requestedBy)
        implements ConfigureAnswer {

    @Override
    public QueueConfigured withHeader(JobEventHeader newHeader) {
        return new QueueConfigured(newHeader, concurrency, requestedBy);
    }
}
