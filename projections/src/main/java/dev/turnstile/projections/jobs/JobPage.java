package dev.turnstile.projections.jobs;

import java.util.List;

/**
 * One page of a queue's jobs, newest first (by when they were enqueued).
 *
 * @param items the jobs
 * @param nextCursor pass to the next call for the following page; null on the last page
 */
public record JobPage(List<JobSummary> items, String nextCursor) {

    public JobPage {
        items = List.copyOf(items);
    }
}
