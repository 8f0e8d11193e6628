package dev.turnstile.gateway.claim;

import dev.turnstile.contracts.claim.ClaimEvent;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Claims waiting for their decision, by task key and request id. Bounded in size, and every entry times out, so
 * a slow or stopped processor can neither exhaust memory nor hang an agent.
 */
final class PendingDecisions {

    private final ConcurrentHashMap<String, CompletableFuture<ClaimEvent>> pending = new ConcurrentHashMap<>();
    private final AtomicInteger size = new AtomicInteger();
    private final int capacity;
    private final Duration timeout;

    PendingDecisions(int capacity, Duration timeout) {
        this.capacity = capacity;
        this.timeout = timeout;
    }

    /**
     * A future completed by the decision for {@code requestId} on {@code taskKey}, or failed with a
     * {@link java.util.concurrent.TimeoutException} after the timeout; empty when the table is full. A second
     * waiter for the same request shares the first one's future.
     */
    Optional<CompletableFuture<ClaimEvent>> register(String taskKey, String requestId) {
        var id = id(taskKey, requestId);
        var existing = pending.get(id);
        if (existing != null) {
            return Optional.of(existing);
        }
        if (size.incrementAndGet() > capacity) {
            size.decrementAndGet();
            return Optional.empty();
        }
        var created = new CompletableFuture<ClaimEvent>();
        var winner = pending.putIfAbsent(id, created);
        if (winner != null) {
            size.decrementAndGet();
            return Optional.of(winner);
        }
        created.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((event, error) -> {
            if (pending.remove(id, created)) {
                size.decrementAndGet();
            }
        });
        return Optional.of(created);
    }

    /** Completes the waiter for the decision's request, if this gateway has one (announcements answer nobody). */
    void complete(ClaimEvent decision) {
        if (!decision.answersRequest()) {
            return;
        }
        var future = pending.get(id(decision.taskKey(), decision.requestId()));
        if (future != null) {
            future.complete(decision);
        }
    }

    /** Fails the waiter for a request whose command could not be written. */
    void fail(String taskKey, String requestId, Throwable error) {
        var future = pending.get(id(taskKey, requestId));
        if (future != null) {
            future.completeExceptionally(error);
        }
    }

    /** How many claims wait now. */
    int size() {
        return size.get();
    }

    private static String id(String taskKey, String requestId) {
        return taskKey + '\n' + requestId;
    }
}
