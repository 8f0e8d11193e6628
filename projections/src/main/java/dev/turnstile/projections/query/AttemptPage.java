package dev.turnstile.projections.query;

import java.util.List;

/**
 * One page of attempts, newest first.
 *
 * @param items the attempts
 * @param nextCursor pass to the next call for the following page; {@code null} on the last page
 */
public record AttemptPage(List<Attempt> items, String nextCursor) {

    public AttemptPage {
        items = List.copyOf(items);
    }
}
