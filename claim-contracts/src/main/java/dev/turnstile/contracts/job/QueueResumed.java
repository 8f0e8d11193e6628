package dev.turnstile.contracts.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * An operator resumed the queue: waiting jobs are handed out again.
 *
 * @param requestedBy who asked; absent when unknown
 */
public record QueueResumed(
        @JsonUnwrapped JobEventHeader header,
        @JsonInclude(JsonInclude.Include.NON_NULL) String requestedBy) implements ResumeAnswer {

    @Override
    public QueueResumed withHeader(JobEventHeader newHeader) {
        return new QueueResumed(newHeader, requestedBy);
    }
}
