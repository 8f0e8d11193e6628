package dev.turnstile.gateway.claim;

import dev.turnstile.contracts.claim.ClaimCompleted;
import dev.turnstile.contracts.claim.ClaimDenied;
import dev.turnstile.contracts.claim.ClaimEvent;
import dev.turnstile.contracts.claim.ClaimGranted;
import dev.turnstile.contracts.claim.ClaimMode;
import dev.turnstile.contracts.claim.ClaimOutcome;
import dev.turnstile.contracts.claim.LeaseExpired;
import dev.turnstile.contracts.claim.LeaseReleased;
import dev.turnstile.contracts.claim.LeaseRenewed;
import dev.turnstile.contracts.claim.RequestRefused;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Where each recently decided task key stands, as this gateway heard it on the decisions topic: its holder is
 * running, or the claim ended (succeeded, failed, expired, released). Feeds wait-for-winner: a denied agent waits
 * here until the winner's claim ends. In memory and bounded: the least recently touched keys are forgotten beyond
 * {@code capacity}, at most {@code maxWaiters} agents wait at once, and every wait has a deadline. The listener
 * reads the topic from its end, so a gateway knows only keys decided since it started: a key it has not heard of
 * is {@code unknown} and the agent keeps polling (any gateway that heard the end will answer).
 */
final class ClaimOutcomes {

    /** Where a key stands. */
    enum Status {
        PENDING,
        SUCCEEDED,
        FAILED,
        EXPIRED,
        RELEASED;

        String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        boolean isFinal() {
            return this != PENDING;
        }
    }

    /**
     * The latest known standing of a key.
     *
     * @param agentId the holder (or last holder)
     * @param decidedAt when the decision that set this standing was made
     * @param expiresAt a running lease's expiry, else null
     * @param sequence the sequence of that decision, to ignore older ones
     */
    record Standing(
            String taskKey,
            Status status,
            String agentId,
            ClaimMode mode,
            long fencingToken,
            Instant decidedAt,
            Instant expiresAt,
            long sequence) {}

    private final int capacity;
    private final int maxWaiters;
    private final LinkedHashMap<String, Standing> standings;
    private final Map<String, List<CompletableFuture<Optional<Standing>>>> waiters = new HashMap<>();
    private int waiting;
    private boolean stopped;

    ClaimOutcomes(int capacity, int maxWaiters) {
        this.capacity = capacity;
        this.maxWaiters = maxWaiters;
        this.standings = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Standing> eldest) {
                return size() > ClaimOutcomes.this.capacity;
            }
        };
    }

    /** Takes in a decision heard on the decisions topic; completes the waiters of a key whose claim ended. */
    void record(ClaimEvent event) {
        if (event.redelivery()) {
            return;
        }
        var next = standingAfter(event);
        if (next.isEmpty()) {
            return;
        }
        List<CompletableFuture<Optional<Standing>>> done = List.of();
        synchronized (this) {
            var known = standings.get(event.taskKey());
            if (known != null && known.sequence() >= event.sequence()) {
                return;
            }
            standings.put(event.taskKey(), next.get());
            if (next.get().status().isFinal()) {
                var list = waiters.remove(event.taskKey());
                if (list != null) {
                    done = list;
                    waiting -= list.size();
                }
            }
        }
        done.forEach(waiter -> waiter.complete(next));
    }

    /** The key's standing now, if this gateway has heard of it. */
    synchronized Optional<Standing> current(String taskKey) {
        return Optional.ofNullable(standings.get(taskKey));
    }

    /**
     * The key's standing once its claim has ended, or as it is after {@code wait}; empty when the waiting agents
     * are already at their limit (the caller answers at once).
     */
    Optional<CompletableFuture<Optional<Standing>>> awaitEnd(String taskKey, Duration wait) {
        var waiter = new CompletableFuture<Optional<Standing>>();
        synchronized (this) {
            var known = Optional.ofNullable(standings.get(taskKey));
            if (wait.isZero() || stopped || known.map(standing -> standing.status().isFinal()).orElse(false)) {
                return Optional.of(CompletableFuture.completedFuture(known));
            }
            if (waiting >= maxWaiters) {
                return Optional.empty();
            }
            waiters.computeIfAbsent(taskKey, key -> new ArrayList<>()).add(waiter);
            waiting++;
        }
        waiter.completeOnTimeout(null, wait.toMillis(), TimeUnit.MILLISECONDS);
        return Optional.of(waiter.thenApply(result -> {
            if (result != null) {
                return result;
            }
            forget(taskKey, waiter);
            return current(taskKey);
        }));
    }

    /**
     * Ends every wait now (each is answered with the key's standing as it is) and makes later ones answer at once:
     * the gateway is shutting down, and a long poll must not hold it up or be cut off.
     */
    void stopWaiting() {
        List<CompletableFuture<Optional<Standing>>> all = new ArrayList<>();
        synchronized (this) {
            stopped = true;
            waiters.values().forEach(all::addAll);
        }
        // Completed with null, as a wait that ran its course: the waiter forgets itself and answers the standing.
        all.forEach(waiter -> waiter.complete(null));
    }

    /** How many agents wait now. */
    synchronized int waiting() {
        return waiting;
    }

    private synchronized void forget(String taskKey, CompletableFuture<Optional<Standing>> waiter) {
        var list = waiters.get(taskKey);
        if (list != null && list.remove(waiter)) {
            waiting--;
            if (list.isEmpty()) {
                waiters.remove(taskKey);
            }
        }
    }

    private static Optional<Standing> standingAfter(ClaimEvent event) {
        return switch (event) {
            case ClaimGranted granted -> Optional.of(standing(
                    event, Status.PENDING, granted.agentId(), granted.expiresAt()));
            case ClaimDenied denied -> Optional.of(standing(
                    event,
                    denied.outcome() == null ? Status.PENDING : statusOf(denied.outcome()),
                    denied.heldBy(),
                    denied.expiresAt()));
            case LeaseRenewed renewed -> Optional.of(standing(event, Status.PENDING, renewed.agentId(), renewed.expiresAt()));
            case LeaseReleased released -> Optional.of(standing(event, Status.RELEASED, released.agentId(), null));
            case LeaseExpired expired -> Optional.of(standing(event, Status.EXPIRED, expired.agentId(), null));
            case ClaimCompleted completed -> Optional.of(
                    standing(event, statusOf(completed.outcome()), completed.agentId(), null));
            case RequestRefused refused -> Optional.empty();
        };
    }

    private static Standing standing(ClaimEvent event, Status status, String agentId, Instant expiresAt) {
        return new Standing(
                event.taskKey(),
                status,
                agentId,
                event.mode(),
                event.fencingToken(),
                event.attemptedAt(),
                expiresAt,
                event.sequence());
    }

    private static Status statusOf(ClaimOutcome outcome) {
        return outcome == ClaimOutcome.SUCCEEDED ? Status.SUCCEEDED : Status.FAILED;
    }
}
