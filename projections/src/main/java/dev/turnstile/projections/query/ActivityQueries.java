package dev.turnstile.projections.query;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * Questions the dashboard and other tools ask about claim activity, answered from the read model built from the
 * {@code claim-decisions} topic. Thread-safe: any thread may call any method.
 */
public interface ActivityQueries {

    /** Largest page of {@link #recentAttempts}; larger limits are lowered to it. */
    int MAX_PAGE_SIZE = 100;

    /** Page size of {@link #recentAttempts} when the caller gives none ({@code limit <= 0}). */
    int DEFAULT_PAGE_SIZE = 50;

    /**
     * Totals, the last 24 hours and per-project / per-task breakdowns. Costs O(projects + tasks + time buckets of a
     * day); never scans attempts.
     */
    ActivityStats stats();

    /**
     * Attempts newest first, one page at a time.
     *
     * @param filter what to keep; {@code null} or {@link AttemptFilter#none()} keeps everything
     * @param cursor {@code null} for the first page, else the {@link AttemptPage#nextCursor()} of the previous page.
     *     A cursor is a position in time order (the last attempt shown), so it stays valid while new attempts
     *     arrive: they appear on the first page, not shifted into later ones
     * @param limit page size: {@code <= 0} means {@value #DEFAULT_PAGE_SIZE}, more than {@value #MAX_PAGE_SIZE} is
     *     lowered to {@value #MAX_PAGE_SIZE}
     * @throws InvalidQueryException (naming {@code cursor}) when the cursor was not made by this API
     */
    AttemptPage recentAttempts(AttemptFilter filter, String cursor, int limit);

    /**
     * All attempts for one git SHA (every project and task built at that commit), newest first. Matching ignores
     * case. A shorter SHA is accepted when it is the prefix of exactly one SHA seen (like {@code git show 3f9c2ab});
     * a SHA nobody claimed for gives an empty list.
     *
     * @throws InvalidQueryException (naming {@code gitSha}) when it is blank, or when the prefix matches several SHAs
     *     (the message lists some of them)
     */
    List<Attempt> attemptsForSha(String gitSha);

    /**
     * Attempts and blocks per time bucket in {@code [from, to)}, oldest first, one entry per bucket (empty buckets
     * included) so a chart can draw them directly. Bucket starts are aligned to multiples of {@code bucket} since the
     * epoch. Resolution is the store's one-minute buckets: {@code bucket} must be a whole number of minutes.
     *
     * @throws InvalidQueryException naming the argument at fault: {@code from} when it is not before {@code to},
     *     {@code bucket} when it is not a positive whole number of minutes or the range would give more than 10,000
     *     buckets
     */
    default List<TimelineBucket> timeline(Instant from, Instant to, Duration bucket) {
        return timeline(from, to, bucket, AttemptFilter.none());
    }

    /**
     * {@link #timeline(Instant, Instant, Duration)} of the claims {@code filter} keeps, so a chart and its totals
     * follow the filters of the activity list. No filter, a project, a task, a result, or a result with a project or
     * a task costs O(buckets), as the unfiltered timeline; other filters (a SHA prefix, a project with a task) read
     * the matching attempts of the range.
     *
     * @param filter what to count; {@code null} or {@link AttemptFilter#none()} counts every claim
     * @throws InvalidQueryException as {@link #timeline(Instant, Instant, Duration)}
     */
    List<TimelineBucket> timeline(Instant from, Instant to, Duration bucket, AttemptFilter filter);

    /**
     * Calls {@code listener} after each new attempt is applied (a redelivered or already-seen decision is not new),
     * on the projection's consumer thread: keep it short and hand work to another thread (e.g. Vaadin
     * {@code UI.access}). An exception from a listener is logged and counted, never stops the projection.
     *
     * @return a handle whose {@link Subscription#close()} removes the listener
     */
    Subscription subscribe(Consumer<Attempt> listener);

    /**
     * The latest lease of each task key in {@code state}, most recently granted first, at most {@code limit}
     * ({@code <= 0} means {@value #DEFAULT_PAGE_SIZE}, more than {@value #MAX_PAGE_SIZE} is lowered to it). Costs
     * O(answer): the read model keeps an index per state.
     *
     * @throws InvalidQueryException (naming {@code state}) when {@code state} is null
     */
    List<Lease> leases(LeaseState state, int limit);

    /**
     * True once the projection has applied everything up to the end offsets it saw when it started (so a dashboard
     * can show placeholders while a rebuild catches up). Stays true afterwards.
     */
    boolean ready();
}
