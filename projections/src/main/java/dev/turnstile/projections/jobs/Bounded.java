package dev.turnstile.projections.jobs;

import java.util.List;

/**
 * The newest entries of a per-job list kept within a bound, and how many older ones were dropped for it: the marker
 * that tells a reader the list is not complete.
 *
 * @param items the kept entries, oldest first
 * @param dropped how many older entries were dropped to keep within the bound
 * @param <T> the kind of entry
 */
public record Bounded<T>(List<T> items, long dropped) {

    public Bounded {
        items = List.copyOf(items);
    }
}
