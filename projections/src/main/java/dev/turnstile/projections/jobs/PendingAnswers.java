package dev.turnstile.projections.jobs;

import dev.turnstile.contracts.job.JobEvent;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Operator requests waiting for their answer, by queue and request id (as the gateway's waiters are). Bounded in
 * size, and every entry times out, so a stopped processor can neither exhaust memory nor hang an operator.
 */
final class PendingAnswers {

    private final ConcurrentHashMap<String, Waiter> pending = new ConcurrentHashMap<>();
    private final AtomicInteger size = new AtomicInteger();
    private final int capacity;
    private final Duration timeout;

    PendingAnswers(int capacity, Duration timeout) {
        this.capacity = capacity;
        this.timeout = timeout;
    }

    sealed interface Registration {}

    /** The request waits (with an identical request already waiting, if one was). */
    record Waiting(CompletableFuture<JobEvent> answer) implements Registration {}

    /** Too many requests wait: nothing was registered. */
    record Full(int waitingNow) implements Registration {}

    /** Another request under the same id, asking something else, waits: nothing was registered. */
    record Conflict() implements Registration {}

    private record Waiter(String fingerprint, CompletableFuture<JobEvent> answer) {}

    Registration register(String queue, String requestId, String fingerprint) {
        var id = queue + '\n' + requestId;
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
        created.answer().orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((event, error) -> {
            if (pending.remove(id, created)) {
                size.decrementAndGet();
            }
        });
        return new Waiting(created.answer());
    }

    private static Registration sharedOrConflict(Waiter existing, String fingerprint) {
        return existing.fingerprint().equals(fingerprint) ? new Waiting(existing.answer()) : new Conflict();
    }

    /** Hands {@code event} to the request it answers, if one waits here (and asked what the event answers). */
    void complete(JobEvent event, String answered) {
        if (!event.answersRequest()) {
            return;
        }
        var waiter = pending.get(event.queue() + '\n' + event.requestId());
        if (waiter != null && (answered == null || answered.equals(waiter.fingerprint()))) {
            waiter.answer().complete(event);
        }
    }

    void fail(String queue, String requestId, Throwable error) {
        var waiter = pending.get(queue + '\n' + requestId);
        if (waiter != null) {
            waiter.answer().completeExceptionally(error);
        }
    }

    int size() {
        return size.get();
    }
}
