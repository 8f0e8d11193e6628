package dev.turnstile.gateway.answers;

import dev.turnstile.contracts.claim.ClaimEvent;
import dev.turnstile.contracts.job.JobEvent;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Requests waiting for the event that answers them, by key (a claim's task key, a job request's queue) and request
 * id: claims wait for their decision, job requests for their answer. Bounded in size, and every entry times out, so a
 * slow or stopped processor can neither exhaust memory nor hang a client.
 *
 * @param <E> the events that answer requests
 */
public final class PendingAnswers<E> {

    /** How to tell which request an event answers. */
    public interface Addressing<E> {

        /** Whether the event answers a request at all (events a timer caused answer nobody). */
        boolean answersRequest(E event);

        /** The key of the request it answers. */
        String key(E event);

        /** The id of the request it answers. */
        String requestId(E event);
    }

    private final ConcurrentHashMap<String, Waiter<E>> pending = new ConcurrentHashMap<>();
    private final AtomicInteger size = new AtomicInteger();
    private final int capacity;
    private final Addressing<E> addressing;

    /**
     * @param capacity most requests waiting at once
     * @param addressing which request an event answers
     */
    public PendingAnswers(int capacity, Addressing<E> addressing) {
        this.capacity = capacity;
        this.addressing = Objects.requireNonNull(addressing, "addressing");
    }

    /** Claims waiting for their decision, by task key and request id. */
    public static PendingAnswers<ClaimEvent> forDecisions(int capacity) {
        return new PendingAnswers<>(capacity, new Addressing<>() {
            @Override
            public boolean answersRequest(ClaimEvent event) {
                return event.answersRequest();
            }

            @Override
            public String key(ClaimEvent event) {
                return event.taskKey();
            }

            @Override
            public String requestId(ClaimEvent event) {
                return event.requestId();
            }
        });
    }

    /** Job requests waiting for their answer, by queue and request id. */
    public static PendingAnswers<JobEvent> forJobAnswers(int capacity) {
        return new PendingAnswers<>(capacity, new Addressing<>() {
            @Override
            public boolean answersRequest(JobEvent event) {
                return event.answersRequest();
            }

            @Override
            public String key(JobEvent event) {
                return event.queue();
            }

            @Override
            public String requestId(JobEvent event) {
                return event.requestId();
            }
        });
    }

    /** What registering a request came to. */
    public sealed interface Registration<E> {}

    /** The request waits for its answer (shared with an identical request already waiting). */
    public record Waiting<E>(CompletableFuture<E> answer) implements Registration<E> {}

    /** The table is full: nothing was registered. */
    public record Full<E>(int waitingNow) implements Registration<E> {}

    /** Another request with the same id, asking something else, is waiting: nothing was registered. */
    public record Conflict<E>(String waitingFingerprint) implements Registration<E> {}

    private record Waiter<E>(String fingerprint, CompletableFuture<E> answer) {}

    /**
     * Registers a wait for the answer to {@code requestId} under {@code key}: a future completed by the answer, or
     * failed with a {@link java.util.concurrent.TimeoutException} after {@code timeout}. A second waiter for the same
     * request (same fingerprint) shares the first one's future; one asking something else under the same id is a
     * {@link Conflict}, so it can never be handed another request's answer.
     */
    public Registration<E> register(String key, String requestId, String fingerprint, Duration timeout) {
        var id = id(key, requestId);
        var existing = pending.get(id);
        if (existing != null) {
            return sharedOrConflict(existing, fingerprint);
        }
        if (size.incrementAndGet() > capacity) {
            size.decrementAndGet();
            return new Full<>(size.get());
        }
        var created = new Waiter<E>(fingerprint, new CompletableFuture<>());
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
        return new Waiting<>(created.answer());
    }

    private static <E> Registration<E> sharedOrConflict(Waiter<E> existing, String fingerprint) {
        return existing.fingerprint().equals(fingerprint)
                ? new Waiting<>(existing.answer())
                : new Conflict<>(existing.fingerprint());
    }

    /**
     * Completes the waiter of the request {@code event} answers, if this gateway has one.
     *
     * @param answered the fingerprint of the request the event answers (its record header), or null when the
     *     processor did not say: then any waiter under the request id takes it
     */
    public void complete(E event, String answered) {
        if (!addressing.answersRequest(event)) {
            return;
        }
        var waiter = pending.get(id(addressing.key(event), addressing.requestId(event)));
        if (waiter != null && (answered == null || answered.equals(waiter.fingerprint()))) {
            waiter.answer().complete(event);
        }
    }

    /** Fails the waiter of a request whose command could not be written. */
    public void fail(String key, String requestId, Throwable error) {
        var waiter = pending.get(id(key, requestId));
        if (waiter != null) {
            waiter.answer().completeExceptionally(error);
        }
    }

    /** How many requests wait now. */
    public int size() {
        return size.get();
    }

    private static String id(String key, String requestId) {
        return key + '\n' + requestId;
    }
}
