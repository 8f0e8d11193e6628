package dev.turnstile.client;

import dev.turnstile.contracts.claim.ClaimOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A claim this agent holds, with its fencing token: renew it (by hand or with {@link #keepAlive()} in the
 * background), then {@link #complete} or {@link #release} it. Closing it stops the renewals and releases the claim
 * unless it was completed, so a try-with-resources block never leaves a lease to time out.
 *
 * <pre>{@code
 * try (Lease lease = client.acquireLease(request, Duration.ofSeconds(30)).orElseThrow().keepAlive(lost -> abort())) {
 *     deploy(lease.fencingToken());
 *     lease.complete(ClaimOutcome.SUCCEEDED);
 * }
 * }</pre>
 *
 * <p>The lease is <em>lost</em> when the coordinator refuses a renewal (another agent took over, it expired) or
 * when no renewal was confirmed before the lease's expiry: the holder must then stop, as its fencing token is stale.
 */
public final class Lease implements AutoCloseable {

    private static final Duration SHORTEST_RENEWAL_INTERVAL = Duration.ofMillis(200);
    /** How long ending a lease waits for a renewal in flight (bounded by the client's own timeouts anyway). */
    private static final Duration RENEWAL_IN_FLIGHT_WAIT = Duration.ofSeconds(30);

    private final ClaimClient client;
    private final ClaimRequest request;
    private final ClaimResult grant;
    private final Duration ttl;
    private volatile Instant expiresAt;
    private volatile String lostBecause;
    private volatile boolean ended;
    private ScheduledExecutorService renewer;
    private volatile Thread renewerThread;

    Lease(ClaimClient client, ClaimRequest request, ClaimResult grant, Duration ttl) {
        this.client = client;
        this.request = request;
        this.grant = grant;
        this.ttl = ttl;
        this.expiresAt = grant.expiresAt();
    }

    /** The grant's fencing token: hand it to the deploy target so that it can reject a stale holder. */
    public long fencingToken() {
        return grant.fencingToken();
    }

    /** {@code project:task:gitSha}. */
    public String taskKey() {
        return grant.taskKey();
    }

    /** When the lease runs out unless renewed, as last confirmed; {@code null} for a {@code once} claim. */
    public Instant expiresAt() {
        return expiresAt;
    }

    /** The grant as the coordinator answered it. */
    public ClaimResult grant() {
        return grant;
    }

    /** Whether the lease was lost: stop working on the task. */
    public boolean isLost() {
        return lostBecause != null;
    }

    /** Why the lease was lost, if it was. */
    public Optional<String> lostBecause() {
        return Optional.ofNullable(lostBecause);
    }

    /** Renews the lease now; a refusal marks it lost. */
    public HolderResult renew() {
        var result = client.renew(request, fencingToken(), null);
        if (result.accepted()) {
            expiresAt = result.expiresAt();
        } else {
            lostBecause = result.message() + " (" + result.reason() + ")";
        }
        return result;
    }

    /** Renews in the background every third of the TTL until the lease ends or is lost. */
    public Lease keepAlive() {
        return keepAlive(lost -> {});
    }

    /**
     * Renews in the background every third of the TTL until the lease ends or is lost; {@code onLost} is told
     * why, once, on the renewal thread. A renewal that cannot reach the coordinator is retried at the next tick;
     * the lease is lost when none was confirmed before its expiry.
     */
    public synchronized Lease keepAlive(Consumer<String> onLost) {
        if (renewer != null || ttl.isZero()) {
            return this;
        }
        var interval = ttl.dividedBy(3);
        if (interval.compareTo(SHORTEST_RENEWAL_INTERVAL) < 0) {
            interval = SHORTEST_RENEWAL_INTERVAL;
        }
        renewer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            var thread = Thread.ofPlatform()
                    .name("lease-keep-alive-" + taskKey())
                    .daemon()
                    .unstarted(runnable);
            renewerThread = thread;
            return thread;
        });
        renewer.scheduleWithFixedDelay(
                () -> renewInBackground(onLost), interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    private void renewInBackground(Consumer<String> onLost) {
        if (ended || isLost()) {
            return;
        }
        try {
            renew();
        } catch (CoordinatorUnavailableException e) {
            if (expiresAt != null && !client.clock().instant().isBefore(expiresAt)) {
                lostBecause =
                        "no renewal was confirmed before the lease expired at " + expiresAt + ": " + e.getMessage();
            } else {
                client.log("Could not renew the lease on " + taskKey() + " (fencing token " + fencingToken()
                        + "); retrying before it expires at " + expiresAt + ": " + e.getMessage());
            }
        }
        if (isLost()) {
            stopRenewing();
            onLost.accept(lostBecause);
        }
    }

    /** Reports the task's outcome and ends the claim; agents waiting for the winner learn it. */
    public HolderResult complete(ClaimOutcome outcome) {
        ended = true;
        stopRenewing();
        return client.complete(request, fencingToken(), outcome);
    }

    /** Gives the claim back without an outcome: the next claimer wins. */
    public HolderResult release() {
        ended = true;
        stopRenewing();
        return client.release(request, fencingToken());
    }

    /** Stops the renewals and releases the claim unless it was completed, released or lost. */
    @Override
    public void close() {
        stopRenewing();
        if (ended || isLost()) {
            return;
        }
        try {
            release();
        } catch (CoordinatorUnavailableException e) {
            client.log("Could not release " + taskKey() + " (fencing token " + fencingToken() + "): "
                    + e.getMessage() + ". It stays claimed until its lease expires"
                    + (expiresAt == null ? "" : " at " + expiresAt) + ".");
        }
    }

    /**
     * Stops the renewals and waits for one in flight, so that nothing the renewer sends can reach the coordinator
     * after what the caller sends next (a completion or a release).
     */
    private void stopRenewing() {
        ScheduledExecutorService stopping;
        synchronized (this) {
            stopping = renewer;
            renewer = null;
        }
        if (stopping == null) {
            return;
        }
        stopping.shutdown();
        if (Thread.currentThread() == renewerThread) {
            return; // The renewer stops itself (the lease was lost): nothing else is in flight.
        }
        try {
            if (!stopping.awaitTermination(RENEWAL_IN_FLIGHT_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                client.log("A renewal of " + taskKey() + " is still in flight after " + RENEWAL_IN_FLIGHT_WAIT
                        + "; going on without it");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
