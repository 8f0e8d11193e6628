package dev.turnstile.projections.activity;

import dev.turnstile.projections.query.ActivityQueries;
import dev.turnstile.projections.query.ActivityStats;
import dev.turnstile.projections.query.Attempt;
import dev.turnstile.projections.query.AttemptFilter;
import dev.turnstile.projections.query.AttemptPage;
import dev.turnstile.projections.query.Lease;
import dev.turnstile.projections.query.LeaseState;
import dev.turnstile.projections.query.Result;
import dev.turnstile.projections.query.Subscription;
import dev.turnstile.projections.query.TimelineBucket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * {@link ActivityQueries} answered from the {@link ActivityStore}: picks the index that serves a filter, pages by
 * position, sums minute buckets. Stats come from the counters kept in memory and at most 1440 minute buckets; they
 * never read attempts. The rules shared with other implementations are in {@link QueryRules}.
 */
final class ActivityQueryService implements ActivityQueries {

    private final ActivityStore store;
    private final Clock clock;
    private final ActivityListeners listeners;
    private final BooleanSupplier ready;

    ActivityQueryService(ActivityStore store, Clock clock, ActivityListeners listeners, BooleanSupplier ready) {
        this.store = store;
        this.clock = clock;
        this.listeners = listeners;
        this.ready = ready;
    }

    @Override
    public ActivityStats stats() {
        return store.read(reader -> {
            var counters = reader.counters();
            var now = clock.instant();
            var lastDay = reader.sum(QueryRules.lastDay(now));
            return new ActivityStats(
                    counters.totals().total(),
                    lastDay.total(),
                    counters.totals().blocked(),
                    lastDay.blocked(),
                    counters.byProject(),
                    counters.byTask(),
                    now);
        });
    }

    @Override
    public AttemptPage recentAttempts(AttemptFilter filter, String cursor, int limit) {
        var wanted = filter == null ? AttemptFilter.none() : filter;
        int size = QueryRules.pageSize(limit);
        byte[] after = cursor == null || cursor.isBlank() ? null : Cursors.decode(cursor);
        return store.read(reader -> {
            var index = chooseIndex(reader, wanted);
            if (index == null) {
                return new AttemptPage(List.of(), null);
            }
            return QueryRules.page(reader.attempts(index, after, wanted, size + 1), size);
        });
    }

    /**
     * The index to walk for {@code filter}, or null when nothing can match. A SHA prefix that names one SHA wins;
     * otherwise the set filter with the fewest attempts (known from the counters); the time index when nothing is
     * set. Filters the index does not serve are checked on each attempt read from it.
     */
    private static AttemptIndex chooseIndex(ActivityStore.Reader reader, AttemptFilter filter) {
        if (filter.shaPrefix() != null) {
            var shas = reader.shasStartingWith(filter.shaPrefix(), 2);
            if (shas.isEmpty()) {
                return null;
            }
            if (shas.size() == 1) {
                return new AttemptIndex.BySha(shas.getFirst());
            }
        }
        var counters = reader.counters();
        AttemptIndex best = AttemptIndex.ALL;
        long bestCount = Long.MAX_VALUE;
        if (filter.project() != null) {
            long count = counters.projects()
                    .getOrDefault(filter.project(), Counts.ZERO)
                    .total();
            if (count < bestCount) {
                best = new AttemptIndex.ByProject(filter.project());
                bestCount = count;
            }
        }
        if (filter.task() != null) {
            long count =
                    counters.tasks().getOrDefault(filter.task(), Counts.ZERO).total();
            if (count < bestCount) {
                best = new AttemptIndex.ByTask(filter.task());
                bestCount = count;
            }
        }
        if (filter.result() != null) {
            var totals = counters.totals();
            long count = filter.result() == Result.BLOCKED ? totals.blocked() : totals.total() - totals.blocked();
            if (count < bestCount) {
                best = new AttemptIndex.ByResult(filter.result());
                bestCount = count;
            }
        }
        return bestCount == 0 ? null : best;
    }

    @Override
    public List<Attempt> attemptsForSha(String gitSha) {
        var prefix = QueryRules.shaPrefix(gitSha);
        return store.read(reader -> {
            var match = QueryRules.matchSha(
                    gitSha, reader.shasStartingWith(prefix, QueryRules.SHAS_LISTED_WHEN_AMBIGUOUS + 1));
            if (match == null) {
                return List.of();
            }
            return reader
                    .attempts(new AttemptIndex.BySha(match), null, AttemptFilter.none(), Integer.MAX_VALUE)
                    .stream()
                    .map(QueryRules.Listed::attempt)
                    .toList();
        });
    }

    @Override
    public List<TimelineBucket> timeline(Instant from, Instant to, Duration bucket, AttemptFilter filter) {
        var range = new TimelineRange(from, to, bucket);
        var wanted = filter == null ? AttemptFilter.none() : filter;
        var minutes = range.minutes();
        return store.read(reader -> {
            if (QueryRules.countedByMinutes(wanted)) {
                var series = wanted.project() != null
                        ? Keys.projectMinutes(wanted.project())
                        : wanted.task() != null ? Keys.taskMinutes(wanted.task()) : Keys.MINUTE;
                reader.forEachMinute(
                        series,
                        minutes,
                        (minute, counts) -> range.add(minute, QueryRules.only(wanted.result(), counts)));
            } else {
                var index = chooseIndex(reader, wanted);
                if (index != null) {
                    reader.forEachAttemptBetween(
                            index,
                            minutes.first() * QueryRules.MINUTE_MILLIS,
                            minutes.endExclusive() * QueryRules.MINUTE_MILLIS,
                            attempt -> {
                                if (wanted.matches(attempt)) {
                                    range.add(attempt);
                                }
                                return true;
                            });
                }
            }
            return range.buckets();
        });
    }

    @Override
    public List<Lease> leases(LeaseState state, int limit) {
        QueryRules.requireState(state);
        int size = QueryRules.pageSize(limit);
        return store.read(reader -> reader.leases(state, size));
    }

    @Override
    public Subscription subscribe(Consumer<Attempt> listener) {
        return listeners.add(listener);
    }

    @Override
    public boolean ready() {
        return ready.getAsBoolean();
    }
}
