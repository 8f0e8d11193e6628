package dev.turnstile.dashboard.signin;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.turnstile.projections.web.TooManySignInAttemptsException;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.LoggerFactory;

/**
 * Slows password guessing down, so that it can neither find a password nor starve the claim path of CPU (a password
 * check is a deliberately slow hash). Wrong passwords are counted per source address and per user name, each in a
 * token bucket: past the limit, attempts from that address (or for that user) are refused before their password is
 * checked until the bucket refills. At most {@code maxConcurrentChecks} passwords are checked at once; a few more
 * attempts wait briefly, the rest are refused without a check.
 *
 * <p>Memory is bounded: each table keeps at most {@code trackedKeys} entries, and an entry untouched for a whole window
 * (its bucket full again) is dropped.
 */
public final class SignInThrottle {

    /**
     * @param failuresPerSource wrong passwords allowed from one address before its attempts are refused
     * @param failuresPerUser wrong passwords allowed for one user name (from any address) before its attempts are
     *     refused; higher than per source, so that one noisy address does not lock a user out everywhere
     * @param window how long a full allowance takes to come back (one attempt every window / allowance)
     * @param maxConcurrentChecks passwords checked at once (each check is a slow hash on one core)
     * @param maxQueuedChecks attempts that may wait for a check; beyond, refused at once
     * @param maxCheckWait how long a queued attempt waits before it is refused
     * @param trackedKeys most addresses (and most user names) remembered; the least recently used are forgotten
     * @param refusalDelay how long a refused attempt waits for its answer, so that a client that retries at once
     *     (as a password-guessing loop does) cannot flood the server with cheap refusals; only on virtual threads,
     *     where waiting holds no request thread
     */
    public record Settings(
            int failuresPerSource,
            int failuresPerUser,
            Duration window,
            int maxConcurrentChecks,
            int maxQueuedChecks,
            Duration maxCheckWait,
            int trackedKeys,
            Duration refusalDelay) {

        public Settings {
            if (failuresPerSource < 1 || failuresPerUser < 1 || maxConcurrentChecks < 1 || trackedKeys < 1) {
                throw new IllegalArgumentException(
                        "turnstile.dashboard.sign-in: failures-per-source, failures-per-user,"
                                + " max-concurrent-checks and tracked-keys must be at least 1");
            }
            if (window.isNegative()
                    || window.isZero()
                    || maxQueuedChecks < 0
                    || maxCheckWait.isNegative()
                    || refusalDelay.isNegative()) {
                throw new IllegalArgumentException("turnstile.dashboard.sign-in: window must be positive;"
                        + " max-queued-checks, max-check-wait and refusal-delay must not be negative");
            }
        }
    }

    /** Why an attempt was refused before its password was checked; the metric's {@code reason} tag. */
    enum Reason {
        SOURCE("Too many wrong passwords from this address"),
        USER("Too many wrong passwords for this user name"),
        BUSY("Too many sign-ins at once");

        private final String message;

        Reason(String message) {
            this.message = message;
        }
    }

    /** A password check that may go ahead; closing it frees the check for the next sign-in. */
    public interface Permit extends AutoCloseable {
        @Override
        void close();
    }

    private static final Duration BUSY_RETRY = Duration.ofSeconds(1);
    /** Refusals held back at once; beyond, answered at once, so that held connections stay bounded. */
    private static final int MAX_DELAYED_REFUSALS = 1000;

    private final Settings settings;
    private final TimeMeter time;
    private final Cache<String, Bucket> bySource;
    private final Cache<String, Bucket> byUser;
    private final Semaphore checks;
    private final Semaphore delayedRefusals = new Semaphore(MAX_DELAYED_REFUSALS);
    private final MeterRegistry meters;
    private final Counter accepted;
    private final Counter wrong;
    private final AtomicLong throttledSinceLastLine = new AtomicLong();
    private final SampledLog lockouts;

    public SignInThrottle(Settings settings, Clock clock, MeterRegistry meters) {
        this.settings = settings;
        this.time = new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                var now = clock.instant();
                return now.getEpochSecond() * 1_000_000_000L + now.getNano();
            }

            @Override
            public boolean isWallClockBased() {
                return true;
            }
        };
        this.bySource = table(settings);
        this.byUser = table(settings);
        this.checks = new Semaphore(settings.maxConcurrentChecks(), true);
        this.meters = meters;
        this.accepted = Counter.builder("turnstile.signin.password.checks")
                .tag("result", "accepted")
                .description("Passwords checked (hashed) and accepted")
                .register(meters);
        this.wrong = Counter.builder("turnstile.signin.password.checks")
                .tag("result", "wrong")
                .description("Passwords checked (hashed) and found wrong")
                .register(meters);
        for (var reason : Reason.values()) {
            throttled(reason);
        }
        this.lockouts = new SampledLog(LoggerFactory.getLogger(SignInThrottle.class), Duration.ofMinutes(1));
    }

    private Cache<String, Bucket> table(Settings settings) {
        return Caffeine.newBuilder()
                .maximumSize(settings.trackedKeys())
                // A bucket untouched for a whole window is full again: forgetting it changes nothing.
                .expireAfterAccess(settings.window())
                .ticker(time::currentTimeNanos)
                .build();
    }

    /**
     * Lets a password check go ahead, or refuses the attempt without one.
     *
     * @param source the client's address, as the server sees it
     * @param user the user name given
     * @throws TooManySignInAttemptsException with the time to wait, when the address or the user name is over its
     *     allowance or too many checks are running
     */
    public Permit admit(String source, String user) {
        refuseIfLocked(bySource.getIfPresent(sourceKey(source)), Reason.SOURCE);
        refuseIfLocked(byUser.getIfPresent(userKey(user)), Reason.USER);
        boolean admitted = checks.tryAcquire();
        if (!admitted && checks.getQueueLength() < settings.maxQueuedChecks()) {
            try {
                admitted = checks.tryAcquire(settings.maxCheckWait().toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (!admitted) {
            throw refusal(Reason.BUSY, BUSY_RETRY);
        }
        return checks::release;
    }

    /**
     * Holds a refused attempt's answer back for {@code refusalDelay}, on a virtual thread only (on a platform thread
     * the wait would hold one of the server's request threads, which agents need).
     */
    public void delayRefusal() {
        if (settings.refusalDelay().isZero() || !Thread.currentThread().isVirtual() || !delayedRefusals.tryAcquire()) {
            return;
        }
        try {
            Thread.sleep(settings.refusalDelay());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            delayedRefusals.release();
        }
    }

    /** A checked password was right. */
    public void accepted() {
        accepted.increment();
    }

    /** A checked password was wrong: it counts against the address and the user name. */
    public void wrongPassword(String source, String user) {
        wrong.increment();
        var sourceBucket = bySource.get(sourceKey(source), key -> bucket(settings.failuresPerSource()));
        var userBucket = byUser.get(userKey(user), key -> bucket(settings.failuresPerUser()));
        sourceBucket.tryConsume(1);
        userBucket.tryConsume(1);
        if (sourceBucket.getAvailableTokens() < 1 || userBucket.getAvailableTokens() < 1) {
            var who = sourceBucket.getAvailableTokens() < 1 ? "from " + source : "for user \"" + user + "\"";
            lockouts.warn(() -> "Sign-ins " + who + " are throttled after too many wrong passwords: they are"
                    + " answered 429 without a password check, one more allowed every "
                    + perAttempt(who.startsWith("from") ? settings.failuresPerSource() : settings.failuresPerUser())
                    + "; " + throttledSinceLastLine.getAndSet(0) + " attempts throttled since the last such line"
                    + " (turnstile.signin.throttled). If this is an attack, block the address upstream.");
        }
    }

    /** Addresses and user names currently tracked, for tests of the bound. */
    long trackedKeys() {
        bySource.cleanUp();
        byUser.cleanUp();
        return bySource.estimatedSize() + byUser.estimatedSize();
    }

    private void refuseIfLocked(Bucket bucket, Reason reason) {
        if (bucket == null) {
            return;
        }
        var probe = bucket.estimateAbilityToConsume(1);
        if (!probe.canBeConsumed()) {
            throw refusal(reason, Duration.ofNanos(probe.getNanosToWaitForRefill()));
        }
    }

    private TooManySignInAttemptsException refusal(Reason reason, Duration retryAfter) {
        throttled(reason).increment();
        throttledSinceLastLine.incrementAndGet();
        long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        return new TooManySignInAttemptsException(reason.message + ": try again in " + seconds + " s", retryAfter);
    }

    private Counter throttled(Reason reason) {
        return Counter.builder("turnstile.signin.throttled")
                .tag("reason", reason.name().toLowerCase(Locale.ROOT))
                .description("Sign-in attempts refused without a password check")
                .register(meters);
    }

    private Bucket bucket(int allowance) {
        return Bucket.builder()
                .addLimit(limit -> limit.capacity(allowance).refillGreedy(allowance, settings.window()))
                .withCustomTimePrecision(time)
                .build();
    }

    private String perAttempt(int allowance) {
        var each = settings.window().dividedBy(allowance);
        return each.toSeconds() >= 1 ? each.toSeconds() + " s" : each.toMillis() + " ms";
    }

    /** An IPv6 client can use a whole /64 network: count the network, not the address. */
    static String sourceKey(String source) {
        if (source == null || source.isEmpty()) {
            return "unknown";
        }
        if (source.indexOf(':') < 0) {
            return source;
        }
        try {
            var bytes = InetAddress.getByName(source).getAddress();
            if (bytes.length == 16) {
                return InetAddress.getByAddress(Arrays.copyOf(Arrays.copyOf(bytes, 8), 16))
                                .getHostAddress() + "/64";
            }
            return source;
        } catch (UnknownHostException e) {
            return source;
        }
    }

    /** User names are case-insensitive in the user store; a long one is cut so that a key stays small. */
    static String userKey(String user) {
        var key = user == null ? "" : user.toLowerCase(Locale.ROOT);
        return key.length() > 200 ? key.substring(0, 200) : key;
    }
}
