package dev.turnstile.projections.activity;

import dev.turnstile.contracts.claim.ClaimDenied;
import dev.turnstile.contracts.claim.ClaimEvent;
import dev.turnstile.contracts.claim.ClaimGranted;
import dev.turnstile.contracts.claim.ClaimMode;
import dev.turnstile.contracts.claim.DecisionHeader;
import dev.turnstile.projections.query.ActivityQueries;
import dev.turnstile.projections.query.ActivityStats;
import dev.turnstile.projections.query.Attempt;
import dev.turnstile.projections.query.AttemptFilter;
import dev.turnstile.projections.query.AttemptPage;
import dev.turnstile.projections.query.Lease;
import dev.turnstile.projections.query.LeaseState;
import dev.turnstile.projections.query.Subscription;
import dev.turnstile.projections.query.TimelineBucket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The activity read model in memory, for tests of what reads it (the dashboard's pages). It folds decisions with the
 * read model's own {@link ActivityFold} and answers by the same {@link QueryRules}, and the projections module runs
 * one contract suite ({@code ActivityQueriesContract}) against it and the RocksDB model, so it cannot drift from what
 * the application answers. Thread-safe.
 */
public final class InMemoryActivity implements ActivityQueries {

    private final Clock clock;
    private final ActivityListeners listeners = new ActivityListeners();
    private final Set<String> seen = new HashSet<>();
    /** Listed attempts by position: newest first. */
    private final NavigableMap<byte[], Attempt> listed = new TreeMap<>(Arrays::compareUnsigned);

    private final Map<String, Counts> projects = new HashMap<>();
    private final Map<String, Counts> tasks = new HashMap<>();
    private final NavigableMap<Long, Counts> minutes = new TreeMap<>();
    private final Map<String, Lease> leases = new HashMap<>();
    private final Map<String, Long> sequences = new HashMap<>();
    private Counts totals = Counts.ZERO;
    private volatile boolean ready = true;

    /** @param clock the time the 24 h figures and {@code asOf} are read at */
    public InMemoryActivity(Clock clock) {
        this.clock = clock;
    }

    /**
     * Applies decisions in order, as the projection applies a batch of the decisions topic; listeners then hear of
     * each new listed attempt.
     *
     * @return the attempts that were new and are listed
     */
    public List<Attempt> apply(List<? extends ClaimEvent> decisions) {
        var fresh = new ArrayList<Attempt>();
        synchronized (this) {
            var known = new ActivityFold.Known() {
                @Override
                public boolean seen(String decisionId) {
                    return seen.contains(decisionId);
                }

                @Override
                public Lease lease(String taskKey) {
                    return leases.get(taskKey);
                }
            };
            for (var decision : decisions) {
                ActivityFold.evolve(known, decision).ifPresent(change -> {
                    keep(change);
                    if (change.listed()) {
                        fresh.add(change.attempt());
                    }
                });
            }
        }
        listeners.notify(fresh);
        return fresh;
    }

    public List<Attempt> apply(ClaimEvent... decisions) {
        return apply(List.of(decisions));
    }

    /**
     * Applies the answer to a {@code once} claim: granted, or denied because {@code holder} holds the key. Unlike
     * {@link Decisions}, it does not follow the claim rules, so a test can set up any mix.
     *
     * @return the attempt as listed
     */
    public Attempt add(String project, String task, String sha, String agent, boolean granted, Instant at) {
        var key = project + ":" + task + ":" + sha;
        long sequence;
        synchronized (this) {
            sequence = sequences.merge(key, 1L, Long::sum);
        }
        var header = new DecisionHeader(
                DecisionHeader.SCHEMA_VERSION,
                ClaimEvent.decisionId(key, sequence),
                sequence,
                "req-" + key + "-" + sequence,
                key,
                project,
                task,
                sha,
                agent,
                at,
                false);
        ClaimEvent decision = granted
                ? new ClaimGranted(header, ClaimMode.ONCE, 1, null, null, false)
                : new ClaimDenied(header, "holder", at, ClaimMode.ONCE, 1, null, null);
        return apply(decision).getFirst();
    }

    /** Whether {@link #ready()} says the model has caught up; true unless set otherwise. */
    public void setReady(boolean caughtUp) {
        ready = caughtUp;
    }

    /** Listeners subscribed now. */
    public int listenerCount() {
        return listeners.size();
    }

    private void keep(ActivityFold.Change change) {
        seen.add(change.decisionId());
        if (change.listed()) {
            listed.put(Keys.position(change.attempt()), change.attempt());
        }
        var tally = change.tally();
        if (tally != null) {
            totals = totals.plus(tally.counts());
            projects.merge(tally.project(), tally.counts(), Counts::plus);
            tasks.merge(tally.task(), tally.counts(), Counts::plus);
            minutes.merge(tally.epochMinute(), tally.counts(), Counts::plus);
        }
        if (change.lease() != null) {
            leases.put(change.lease().after().taskKey(), change.lease().after());
        }
    }

    @Override
    public synchronized ActivityStats stats() {
        var now = clock.instant();
        var lastDay = sum(QueryRules.lastDay(now));
        return new ActivityStats(
                totals.total(),
                lastDay.total(),
                totals.blocked(),
                lastDay.blocked(),
                QueryRules.breakdown(projects),
                QueryRules.breakdown(tasks),
                now);
    }

    @Override
    public synchronized AttemptPage recentAttempts(AttemptFilter filter, String cursor, int limit) {
        var wanted = filter == null ? AttemptFilter.none() : filter;
        int size = QueryRules.pageSize(limit);
        var from = cursor == null || cursor.isBlank() ? listed : listed.tailMap(Cursors.decode(cursor), false);
        var found = new ArrayList<QueryRules.Listed>();
        for (var entry : from.entrySet()) {
            if (found.size() > size) {
                break;
            }
            if (wanted.matches(entry.getValue())) {
                found.add(new QueryRules.Listed(entry.getKey(), entry.getValue()));
            }
        }
        return QueryRules.page(found, size);
    }

    @Override
    public synchronized List<Attempt> attemptsForSha(String gitSha) {
        var prefix = QueryRules.shaPrefix(gitSha);
        var shas = new TreeSet<String>();
        for (var attempt : listed.values()) {
            if (attempt.gitSha().startsWith(prefix)) {
                shas.add(attempt.gitSha());
            }
        }
        var match = QueryRules.matchSha(
                gitSha,
                shas.stream().limit(QueryRules.SHAS_LISTED_WHEN_AMBIGUOUS + 1).toList());
        if (match == null) {
            return List.of();
        }
        return listed.values().stream()
                .filter(attempt -> attempt.gitSha().equals(match))
                .toList();
    }

    @Override
    public synchronized List<TimelineBucket> timeline(Instant from, Instant to, Duration bucket, AttemptFilter filter) {
        var range = new TimelineRange(from, to, bucket);
        var span = range.minutes();
        if (filter == null || filter.isEmpty()) {
            minutes.subMap(span.first(), true, span.endExclusive(), false).forEach(range::add);
        } else {
            // Every listed attempt read, not the minute series the RocksDB model keeps: the contract holds both.
            listed.values().stream().filter(filter::matches).forEach(range::add);
        }
        return range.buckets();
    }

    @Override
    public synchronized List<Lease> leases(LeaseState state, int limit) {
        QueryRules.requireState(state);
        return leases.values().stream()
                .filter(lease -> lease.state() == state)
                .sorted((a, b) -> Arrays.compareUnsigned(Keys.leasePosition(a), Keys.leasePosition(b)))
                .limit(QueryRules.pageSize(limit))
                .toList();
    }

    @Override
    public Subscription subscribe(Consumer<Attempt> listener) {
        return listeners.add(listener);
    }

    @Override
    public boolean ready() {
        return ready;
    }

    private Counts sum(QueryRules.Minutes span) {
        return minutes.subMap(span.first(), true, span.endExclusive(), false).values().stream()
                .reduce(Counts.ZERO, Counts::plus);
    }
}
