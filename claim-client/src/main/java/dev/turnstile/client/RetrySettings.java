package dev.turnstile.client;

import java.time.Duration;
import java.util.Optional;

/**
 * How hard {@link ClaimClient#claim} tries before giving up: a few attempts with exponential backoff and jitter,
 * waiting at least what a {@code Retry-After} header asks for, but never longer than the cap.
 *
 * @param maxAttempts attempts in all, the first included; at least 1
 * @param initialBackoff the pause after the first failed attempt; it doubles after each further one
 * @param maxBackoff the longest pause, also the most a {@code Retry-After} header can make the client wait
 * @param jitter how much longer than the backoff a pause may randomly be, as a fraction (0.25 = up to 25 %), so
 *     that agents failing together do not retry together
 */
public record RetrySettings(int maxAttempts, Duration initialBackoff, Duration maxBackoff, double jitter) {

    /** 4 attempts, pauses from 200 ms doubling up to 3 s, up to 25 % jitter. */
    public static final RetrySettings DEFAULTS =
            new RetrySettings(4, Duration.ofMillis(200), Duration.ofSeconds(3), 0.25);

    /** Checks the settings make sense. */
    public RetrySettings {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException(
                    "maxAttempts must be at least 1 (the first attempt); got " + maxAttempts);
        }
        if (initialBackoff == null || initialBackoff.isNegative()) {
            throw new IllegalArgumentException("initialBackoff must be zero or positive; got " + initialBackoff);
        }
        if (maxBackoff == null || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException(
                    "maxBackoff must be at least initialBackoff (" + initialBackoff + "); got " + maxBackoff);
        }
        if (!(jitter >= 0.0 && jitter <= 1.0)) {
            throw new IllegalArgumentException("jitter must be between 0 and 1; got " + jitter);
        }
    }

    /** The same settings with another number of attempts in all. */
    public RetrySettings withMaxAttempts(int maxAttempts) {
        return new RetrySettings(maxAttempts, initialBackoff, maxBackoff, jitter);
    }

    /** The same settings with other backoff bounds. */
    public RetrySettings withBackoff(Duration initialBackoff, Duration maxBackoff) {
        return new RetrySettings(maxAttempts, initialBackoff, maxBackoff, jitter);
    }

    /**
     * The pause before retry number {@code retry} (1 for the pause after the first attempt). Jitter only lengthens
     * a pause, so a pause is never shorter than a {@code Retry-After} the server sent (up to the cap).
     *
     * @param retry 1 for the first retry, 2 for the second, ...
     * @param retryAfter the wait the server asked for, if any
     * @param random a number in [0, 1) that picks the jitter
     */
    public Duration delayBefore(int retry, Optional<Duration> retryAfter, double random) {
        long initial = initialBackoff.toNanos();
        long max = maxBackoff.toNanos();
        int doublings = Math.min(Math.max(retry - 1, 0), 62);
        long backoff = initial > (max >> doublings) ? max : Math.min(initial << doublings, max);
        long floor = retryAfter.map(wait -> Math.min(wait.toNanos(), max)).orElse(0L);
        long base = Math.max(backoff, floor);
        long jittered = base + (long) (base * jitter * random);
        return Duration.ofNanos(Math.min(jittered, max));
    }
}
