package dev.turnstile.projections.jobs;

import dev.turnstile.contracts.job.JobState;
import dev.turnstile.projections.query.Subscription;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The work-queue read model, built from {@code job-events}: queues with their counts by state, jobs by queue, state and
 * name, each job's timeline, progress, logs and artifacts, and live changes. What the Runs page and the job query API
 * read. Thread-safe.
 */
public interface JobQueries {

    int DEFAULT_PAGE_SIZE = 50;
    int MAX_PAGE_SIZE = 100;

    /** Every queue seen on the topic, by name. */
    List<QueueOverview> queues();

    /** One queue, if the read model has seen it. */
    Optional<QueueOverview> queue(String queue);

    /**
     * A page of a queue's jobs, newest first.
     *
     * @param cursor the {@link JobPage#nextCursor()} of the previous page, or null for the first
     * @param limit at most this many ({@code <= 0}: {@value #DEFAULT_PAGE_SIZE}; above {@value #MAX_PAGE_SIZE}: that)
     * @throws IllegalArgumentException when the cursor is not one this method returned
     */
    JobPage jobs(String queue, JobFilter filter, String cursor, int limit);

    /** One job with its timeline, progress, logs and artifacts, if the read model holds it. */
    Optional<JobDetail> job(String queue, String jobId);

    /**
     * The queue's events after {@code afterSequence} still kept for live streams (the newest of each queue), about
     * {@code jobId} only when it is given.
     */
    EventReplay eventsAfter(String queue, long afterSequence, String jobId);

    /**
     * Drops the queue's jobs that finished (in one of {@code states}) more than {@code olderThan} ago from the read
     * model. The log keeps them: a rebuild from offset 0 brings them back.
     *
     * @throws IllegalArgumentException when a state is not a finished one (succeeded, dead, cancelled)
     */
    CleanResult clean(String queue, Set<JobState> states, Duration olderThan);

    /**
     * Calls {@code listener} after each change is stored, on the projection's reader thread: return quickly. An
     * exception is logged, counted and never stops the projection.
     */
    Subscription subscribe(Consumer<JobChange> listener);

    /** True once the read model has caught up with the topic as it was at start-up. */
    boolean ready();
}
