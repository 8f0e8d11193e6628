package dev.turnstile.processor.jobs;

import dev.turnstile.contracts.job.ClaimNextJob;
import java.time.Instant;

/**
 * A claim-next waiting in its queue for a job.
 *
 * @param requestId the claim-next's request id: a grant or a "no job" later answers it
 * @param workerId who waits
 * @param waitSeconds how long it asked to wait (part of its fingerprint)
 * @param waitUntil when it is answered with no job if none came
 * @param sequence the sequence of its {@code ClaimNextParked} event, repeated to a retry
 * @param parkedAt when it was parked
 */
public record ParkedClaim(
        String requestId, String workerId, int waitSeconds, Instant waitUntil, long sequence, Instant parkedAt) {

    /** The fingerprint of the claim-next that parked. */
    public String fingerprint() {
        return ClaimNextJob.fingerprint(workerId, waitSeconds);
    }
}
