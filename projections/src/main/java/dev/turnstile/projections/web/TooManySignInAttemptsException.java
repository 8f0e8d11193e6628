package dev.turnstile.projections.web;

import java.time.Duration;
import org.springframework.security.core.AuthenticationException;

/**
 * A sign-in refused before its password was checked: too many wrong passwords from its address or for its user name,
 * or too many checks at once. Thrown by whoever owns the users (the dashboard); answered 429 with
 * {@code Retry-After} by {@link ApiAuthenticationEntryPoint}.
 */
public class TooManySignInAttemptsException extends AuthenticationException {

    private final transient Duration retryAfter;

    public TooManySignInAttemptsException(String message, Duration retryAfter) {
        super(message);
        this.retryAfter = retryAfter;
    }

    /** No stack trace: refusals come by the thousand in an attack, and each is expected. */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }

    /** How long until an attempt may be checked again. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** {@link #retryAfter()} in whole seconds, at least 1, as {@code Retry-After} gives it. */
    public long retryAfterSeconds() {
        return Math.max(1, (retryAfter.toMillis() + 999) / 1000);
    }
}
