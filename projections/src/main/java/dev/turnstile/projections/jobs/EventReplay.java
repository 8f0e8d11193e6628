package dev.turnstile.projections.jobs;

import java.util.List;

/**
 * The events of a queue applied after a given one, for a live stream resuming where its client stopped.
 *
 * @param events the events, in the queue's order
 * @param complete false when events the client missed are no longer kept (only the newest events of each queue are):
 *     the client should read the state again
 */
public record EventReplay(List<JobChange.EventApplied> events, boolean complete) {

    public EventReplay {
        events = List.copyOf(events);
    }
}
