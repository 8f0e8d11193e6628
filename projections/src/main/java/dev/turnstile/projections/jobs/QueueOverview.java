package dev.turnstile.projections.jobs;

import java.time.Instant;

/**
 * One queue as the read model holds it.
 *
 * @param queue its name
 * @param counts jobs by state
 * @param paused whether claim-next hands out nothing
 * @param concurrency most jobs active at once; null for no limit
 * @param lastSequence the sequence of the queue's last event applied (its position in the queue's log)
 * @param lastEventAt when that event was decided
 */
public record QueueOverview(
        String queue, StateCounts counts, boolean paused, Integer concurrency, long lastSequence, Instant lastEventAt) {

    public QueueOverview {
        counts = counts == null ? StateCounts.NONE : counts;
    }

    /** A queue the read model has seen nothing of yet. */
    public static QueueOverview empty(String queue) {
        return new QueueOverview(queue, StateCounts.NONE, false, null, 0, null);
    }
}
