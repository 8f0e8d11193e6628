package dev.turnstile.client;

import java.net.URI;
import java.util.OptionalInt;

/**
 * The coordinator gave no decision: it was unreachable, timed out or answered 502/503/504 on every attempt, or it
 * answered in a way this client cannot use (another HTTP status, an unreadable body: a wrong URL, most likely).
 * The message says what failed and what to check. CI should fail: running the task unclaimed risks a duplicate.
 */
public final class CoordinatorUnavailableException extends ClaimClientException {

    private final URI url;
    private final int attempts;
    private final int lastStatus;

    /**
     * @param url the endpoint that was called
     * @param attempts how many attempts were made
     * @param lastStatus the HTTP status of the last answer, or -1 when the last attempt got none
     */
    public CoordinatorUnavailableException(String message, URI url, int attempts, int lastStatus, Throwable cause) {
        super(message, cause);
        this.url = url;
        this.attempts = attempts;
        this.lastStatus = lastStatus;
    }

    /** The endpoint that was called, e.g. {@code http://turnstile:8080/api/claim}. */
    public URI url() {
        return url;
    }

    /** How many attempts were made (1 when the failure was not worth retrying). */
    public int attempts() {
        return attempts;
    }

    /** The HTTP status of the last answer, or empty when the last attempt got none (connect error, timeout). */
    public OptionalInt lastStatus() {
        return lastStatus < 0 ? OptionalInt.empty() : OptionalInt.of(lastStatus);
    }
}
