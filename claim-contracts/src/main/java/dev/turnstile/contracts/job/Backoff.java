package dev.turnstile.contracts.job;

import java.time.Duration;

/**
 * How long a job waits after a failed attempt before it is waiting again.
 *
 * @param kind {@code fixed}: always {@code baseSeconds}; {@code exponential}: {@code baseSeconds × 2^(n-1)} after
 *     the n-th failed attempt
 * @param baseSeconds the first wait, 0–86,400 (0: retried at once)
 * @param capSeconds the longest wait, at least {@code baseSeconds}, at most 7 days
 */
public record Backoff(BackoffKind kind, long baseSeconds, long capSeconds) {

    /** Unless the enqueue says otherwise: 5 s, 10 s, 20 s, … up to 10 minutes. */
    public static final Backoff DEFAULT = new Backoff(BackoffKind.EXPONENTIAL, 5, 600);

    public static final long MAX_BASE_SECONDS = 86_400;
    public static final long MAX_CAP_SECONDS = 7 * 86_400;

    public Backoff {
        kind = kind == null ? BackoffKind.EXPONENTIAL : kind;
        if (baseSeconds < 0 || baseSeconds > MAX_BASE_SECONDS) {
            throw new IllegalArgumentException(
                    "backoff.baseSeconds must be 0 to " + MAX_BASE_SECONDS + "; got " + baseSeconds);
        }
        capSeconds = capSeconds == 0 ? Math.max(baseSeconds, DEFAULT.capSeconds) : capSeconds;
        if (capSeconds < baseSeconds || capSeconds > MAX_CAP_SECONDS) {
            throw new IllegalArgumentException("backoff.capSeconds must be at least baseSeconds (" + baseSeconds
                    + ") and at most " + MAX_CAP_SECONDS + "; got " + capSeconds);
        }
    }

    public static Backoff fixed(long seconds) {
        return new Backoff(BackoffKind.FIXED, seconds, seconds);
    }

    public static Backoff exponential(long baseSeconds, long capSeconds) {
        return new Backoff(BackoffKind.EXPONENTIAL, baseSeconds, capSeconds);
    }

    /** The wait after the {@code failedAttempt}-th attempt failed (1 for the first). */
    public Duration delayAfter(int failedAttempt) {
        return Duration.ofSeconds(
                switch (kind) {
                    case FIXED -> baseSeconds;
                    case EXPONENTIAL -> {
                        int doublings = Math.max(0, failedAttempt - 1);
                        // Past 2^40 any base beyond 0 is over the cap; stop before the shift overflows.
                        yield doublings >= 40 || baseSeconds << doublings > capSeconds
                                ? (baseSeconds == 0 ? 0 : capSeconds)
                                : baseSeconds << doublings;
                    }
                });
    }
}
