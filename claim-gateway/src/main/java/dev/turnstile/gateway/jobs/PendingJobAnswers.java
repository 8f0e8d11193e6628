package dev.turnstile.gateway.jobs;

import dev.turnstile.contracts.job.JobEvent;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Job requests waiting for their answer, by queue and request id, as claims wait in {@code PendingDecisions}. Bounded
 * in size, and every entry times out (a claim-next after its own wait plus the decision timeout), so a slow or stopped
 * processor can neither exhaust memory nor hang a worker.
 */
final class PendingJobAnswers {

    private final ConcurrentHashMap<String, Waiter> pending = new ConcurrentHashMap<>();
    private final AtomicInteger size = new AtomicInteger();
    private final int capacity;

    PendingJobAnswers(int capacity) {
        this.capacity = capacity;
    }

    sealed interface Registration {}

    /** The request waits for its answer (with an identical request already waiting, if one was). */
    record Waiting(CompletableFuture<JobEvent> answer) implements Registration {}

    /** The table is full: nothing was registered. */
    record Full(int waitingNow) implements Registration {}

    /** Another request with the same id, asking something else, is waiting: nothing was registered. */
    record Conflict() implements Registration {}

    private record Waiter(String fingerprint, CompletableFuture<JobEvent> answer) {}

    /**
     * Registers a wait for the answer to {@code requestId} on {@code queue}: a future completed by the answer, or
     * failed with a {@link java.util.concurrent.TimeoutException} after {@code timeout}. A second waiter for the same
     * request (same fingerprint) shares the first one's future; one asking something else under the same id is a
     * {@link Conflict}, so it can never be handed another request's answer.
     */
    Registration register(String queue, String requestId, String fingerprint, Duration timeout) {
        var id = id(queue, requestId);
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

    /**
     * Completes the waiter of the request {@code event} answers, if this gateway has one (events a timer caused, and
     * a parked claim-next's parking, answer nobody).
     *
     * @param answered the fingerprint of the request the event answers (its record header), or null when absent
     */
    void complete(JobEvent event, String answered) {
        if (!event.answersRequest()) {
            return;
        }
        var waiter = pending.get(id(event.queue(), event.requestId()));
        if (waiter != null && (answered == null || answered.equals(waiter.fingerprint()))) {
            waiter.answer().complete(event);
        }
    }

    /** Fails the waiter of a request whose command could not be written. */
    void fail(String queue, String requestId, Throwable error) {
        var waiter = pending.get(id(queue, requestId));
        if (waiter != null) {
            waiter.answer().completeExceptionally(error);
        }
    }

    /** How many requests wait now. */
    int size() {
        return size.get();
    }

    private static String id(String queue, String requestId) {
        return queue + '\n' + requestId;
    }
}
