package dev.turnstile.gateway.claim;

import dev.turnstile.contracts.claim.ClaimEvent;
import dev.turnstile.contracts.claim.ClaimHolder;
import dev.turnstile.contracts.claim.ClaimStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
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

    /**
     * The latest known standing of a key.
     *
     * @param holder the key's holder and where its claim stands (the lifecycle every reader of decisions folds)
     * @param decidedAt when the decision that set this standing was made
     * @param sequence the sequence of that decision, to ignore older ones
     */
    record Standing(String taskKey, ClaimHolder holder, Instant decidedAt, long sequence) {

        ClaimStatus status() {
            return holder.status();
        }
    }

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
        List<CompletableFuture<Optional<Standing>>> done = List.of();
        Optional<Standing> next;
        synchronized (this) {
            var known = standings.get(event.taskKey());
            if (known != null && known.sequence() >= event.sequence()) {
                return;
            }
            var holder = ClaimHolder.after(known == null ? null : known.holder(), event);
            if (holder == null) {
                return;
            }
            next = Optional.of(new Standing(event.taskKey(), holder, event.attemptedAt(), event.sequence()));
            standings.put(event.taskKey(), next.get());
            if (holder.status().ended()) {
                var list = waiters.remove(event.taskKey());
                if (list != null) {
                    done = list;
                    waiting -= list.size();
                }
            }
        }
        var ended = next;
        done.forEach(waiter -> waiter.complete(ended));
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
            if (wait.isZero()
                    || stopped
                    || known.map(standing -> standing.status().ended()).orElse(false)) {
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
}
