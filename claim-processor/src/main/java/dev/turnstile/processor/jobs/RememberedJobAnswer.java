package dev.turnstile.processor.jobs;

import dev.turnstile.contracts.job.JobEvent;
import java.time.Instant;
import java.util.Objects;

/**
 * The answer given to one request on a queue, kept under {@code <queue>|<requestId>}: a retry of the same request
 * (same id and fingerprint) gets it again, and another request reusing the id is refused.
 *
 * @param requestId the request
 * @param fingerprint what it asked
 * @param answer the event that answered it
 * @param answeredAt when it was answered (the time of the command being decided): the request memory runs from here
 */
public record RememberedJobAnswer(String requestId, String fingerprint, JobEvent answer, Instant answeredAt) {

    public RememberedJobAnswer {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(answer, "answer");
        Objects.requireNonNull(answeredAt, "answeredAt");
    }
}
