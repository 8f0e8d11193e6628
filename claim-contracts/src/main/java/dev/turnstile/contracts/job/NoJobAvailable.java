package dev.turnstile.contracts.job;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * A claim-next got no job, and why. Ask again (workers usually long-poll with {@code waitSeconds}).
 *
 * @param workerId who asked
 * @param reason why: {@code queue_empty}, {@code queue_paused}, {@code concurrency_limit}, {@code wait_expired} or
 *     {@code too_many_waiters}
 */
public record NoJobAvailable(@JsonUnwrapped JobEventHeader header, String workerId, NoJobReason reason)
        implements ClaimNextAnswer {

    @Override
    public NoJobAvailable withHeader(JobEventHeader newHeader) {
        return new NoJobAvailable(newHeader, workerId, reason);
    }
}
