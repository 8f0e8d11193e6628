package dev.turnstile.processor.decision;

import dev.turnstile.contracts.claim.ClaimCommand;
import dev.turnstile.contracts.claim.ClaimEvent;
import java.time.Instant;
import java.util.Objects;

/**
 * The answer given to one request on a task key, kept beside the key's state under the request's id: a retry of the
 * same request (same id and {@linkplain ClaimCommand#fingerprint() fingerprint}) gets this answer again, and another
 * request reusing the id is refused.
 *
 * @param fingerprint what the request asked
 * @param answer the decision that answered it
 * @param answeredAt when it was answered (the timestamp of the request's command): the request memory runs from here
 */
public record RememberedAnswer(String fingerprint, ClaimEvent answer, Instant answeredAt) {

    public RememberedAnswer {
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(answer, "answer");
        Objects.requireNonNull(answeredAt, "answeredAt");
    }
}
