package dev.turnstile.contracts.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * An operator paused the queue: claim-next hands out nothing until it is resumed; active jobs go on.
 *
 * @param requestedBy who asked; absent when unknown
 */
public record QueuePaused(
        @JsonUnwrapped JobEventHeader header,
        @JsonInclude(JsonInclude.Include.NON_NULL) String requestedBy) implements PauseAnswer {

    @Override
    public QueuePaused withHeader(JobEventHeader newHeader) {
        return new QueuePaused(newHeader, requestedBy);
    }
}
