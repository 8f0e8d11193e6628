package dev.turnstile.processor.jobs;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the processor keeps about a queue as a whole, small and of bounded size however many jobs it holds: the
 * jobs themselves are stored one record each, and their order in indexes.
 *
 * @param sequence the sequence of the queue's last event, 0 before the first
 * @param fencingToken the last fencing token handed out, 0 before the first; never decreases
 * @param counts how many jobs are in each state
 * @param paused whether claim-next hands out nothing
 * @param concurrency most jobs active at once; null for no limit
 * @param waiters claim-next requests waiting for a job, in arrival order (at most the decider's bound)
 */
public record QueueSummary(
        long sequence,
        long fencingToken,
        JobCounts counts,
        boolean paused,
        Integer concurrency,
        List<ParkedClaim> waiters) {

    public static final QueueSummary EMPTY = new QueueSummary(0, 0, JobCounts.NONE, false, null, List.of());

    public QueueSummary {
        counts = counts == null ? JobCounts.NONE : counts;
        waiters = waiters == null ? List.of() : List.copyOf(waiters);
    }

    /** The parked claim-next with this request id, if it waits. */
    public Optional<ParkedClaim> waiter(String requestId) {
        return waiters.stream()
                .filter(waiter -> waiter.requestId().equals(requestId))
                .findFirst();
    }

    /** Whether another job may become active now: not paused and below the concurrency limit. */
    public boolean hasFreeSlot() {
        return !paused && (concurrency == null || counts.active() < concurrency);
    }

    QueueSummary withSequence(long newSequence) {
        return new QueueSummary(newSequence, fencingToken, counts, paused, concurrency, waiters);
    }

    QueueSummary withFencingToken(long token) {
        return new QueueSummary(sequence, Math.max(fencingToken, token), counts, paused, concurrency, waiters);
    }

    QueueSummary withCounts(JobCounts newCounts) {
        return new QueueSummary(sequence, fencingToken, newCounts, paused, concurrency, waiters);
    }

    QueueSummary withPaused(boolean newPaused) {
        return new QueueSummary(sequence, fencingToken, counts, newPaused, concurrency, waiters);
    }

    QueueSummary withConcurrency(Integer newConcurrency) {
        return new QueueSummary(sequence, fencingToken, counts, paused, newConcurrency, waiters);
    }

    QueueSummary withWaiter(ParkedClaim waiter) {
        var more = new ArrayList<>(waiters);
        more.add(waiter);
        return new QueueSummary(sequence, fencingToken, counts, paused, concurrency, more);
    }

    QueueSummary withoutWaiter(String requestId) {
        var fewer = waiters.stream()
                .filter(waiter -> !waiter.requestId().equals(requestId))
                .toList();
        return new QueueSummary(sequence, fencingToken, counts, paused, concurrency, fewer);
    }
}
