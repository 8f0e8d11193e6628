package dev.turnstile.gateway.claim;

import dev.turnstile.contracts.claim.ClaimEvent;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Claims waiting for their decision, by task key and request id. Bounded in size, and every entry times out, so
 * a slow or stopped processor can neither exhaust memory nor hang an agent.
 */
final class PendingDecisions {

    private final ConcurrentHashMap<String, Waiter> pending = new ConcurrentHashMap<>();
    private final AtomicInteger size = new AtomicInteger();
    private final int capacity;
    private final Duration timeout;

    PendingDecisions(int capacity, Duration timeout) {
        this.capacity = capacity;
        this.timeout = timeout;
    }

    /** What registering a request came to. */
    sealed interface Registration {}

    /** The request waits for its decision (shared with an identical request already waiting). */
    record Waiting(CompletableFuture<ClaimEvent> decision) implements Registration {}

    /** The table is full: nothing was registered. */
    record Full(int waitingNow) implements Registration {}

    /** Another request with the same id, asking something else, is waiting: nothing was registered. */
    record Conflict(String waitingFingerprint) implements Registration {}

    private record Waiter(String fingerprint, CompletableFuture<ClaimEvent> decision) {}

    /**
     * Registers a wait for the decision on {@code requestId} on {@code taskKey}: a future completed by the decision,
     * or failed with a {@link java.util.concurrent.TimeoutException} after the timeout. A second waiter for the same
     * request (same fingerprint) shares the first one's future; one asking something else under the same id is a
     * {@link Conflict}, so it can never be handed another request's answer.
     */
    Registration register(String taskKey, String requestId, String fingerprint) {
        var id = id(taskKey, requestId);
        var existing = pending.get(id);
        if (existing != null) {
            return sharedOrConflict(existing, fingerprint);
        }
        if (size.incrementAndGet() > capacity) {
            size.decrementAndGet();
            return new Full(size.get());
        }
        var created = new Waiter(fingerprint, new CompletableFuture<>());
        var winner = pending.putIfAbsent(id, created);
        if (winner != null) {
            size.decrementAndGet();
            return sharedOrConflict(winner, fingerprint);
        }
        created.decision().orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((event, error) -> {
            if (pending.remove(id, created)) {
                size.decrementAndGet();
            }
        });
        return new Waiting(created.decision());
    }

    private static Registration sharedOrConflict(Waiter existing, String fingerprint) {
        return existing.fingerprint().equals(fingerprint)
                ? new Waiting(existing.decision())
                : new Conflict(existing.fingerprint());
    }

    /**
     * Completes the waiter for the decision's request, if this gateway has one (announcements answer nobody).
     *
     * @param answered the fingerprint of the command the decision answers (its record header), or null when the
     *     processor did not say: then any waiter under the request id takes it
     */
    void complete(ClaimEvent decision, String answered) {
        if (!decision.answersRequest()) {
            return;
        }
        var waiter = pending.get(id(decision.taskKey(), decision.requestId()));
        if (waiter != null && (answered == null || answered.equals(waiter.fingerprint()))) {
            waiter.decision().complete(decision);
        }
    }

    /** Fails the waiter for a request whose command could not be written. */
    void fail(String taskKey, String requestId, Throwable error) {
        var waiter = pending.get(id(taskKey, requestId));
        if (waiter != null) {
            waiter.decision().completeExceptionally(error);
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
