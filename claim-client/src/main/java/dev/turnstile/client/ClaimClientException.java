package dev.turnstile.client;

/**
 * A claim that got no decision. Either the claim itself is wrong ({@link ClaimRejectedException}: fix the input,
 * retrying cannot help) or the coordinator could not be asked ({@link CoordinatorUnavailableException}: CI should
 * fail rather than run a task that may be running elsewhere).
 */
public abstract sealed class ClaimClientException extends RuntimeException
        permits ClaimRejectedException, CoordinatorUnavailableException {

    ClaimClientException(String message) {
        super(message);
    }

    ClaimClientException(String message, Throwable cause) {
        super(message, cause);
    }
}
