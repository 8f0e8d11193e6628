package dev.turnstile.contracts.job;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.time.Instant;

/**
 * A claim-next found no job to hand out and waits in the queue, in arrival order, until one comes or its wait runs
 * out; it is answered later by {@link JobClaimed} or {@link NoJobAvailable}. Not itself an answer.
 *
 * @param workerId who waits
 * @param waitSeconds how long it asked to wait
 * @param waitUntil when it is answered with no job if none came
 */
public record ClaimNextParked(@JsonUnwrapped JobEventHeader header, String workerId, int waitSeconds, Instant waitUntil)
        implements JobEvent {

    @Override
    public ClaimNextParked withHeader(JobEventHeader newHeader) {
        return new ClaimNextParked(newHeader, workerId, waitSeconds, waitUntil);
    }
}
