package dev.turnstile.processor.claim;

/**
 * A record on the requests topic that can never be decided: it is set aside on the dead-letter topic and the
 * processor goes on (see {@link PoisonCommandHandler}).
 */
public final class PoisonCommandException extends RuntimeException {

    public PoisonCommandException(String message) {
        super(message);
    }
}
