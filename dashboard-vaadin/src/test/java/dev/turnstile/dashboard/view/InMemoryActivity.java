package dev.turnstile.dashboard.view;

import dev.turnstile.projections.query.ActivityQueries;
import dev.turnstile.projections.query.ActivityStats;
import dev.turnstile.projections.query.Attempt;
import dev.turnstile.projections.query.AttemptFilter;
import dev.turnstile.projections.query.AttemptPage;
import dev.turnstile.projections.query.Breakdown;
import dev.turnstile.projections.query.Lease;
import dev.turnstile.projections.query.LeaseState;
import dev.turnstile.projections.query.Subscription;
import dev.turnstile.projections.query.TimelineBucket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Query answers for view tests, from a list of attempts. The read model's own behaviour (idempotence, windows,
 * indexes) is tested in the projections module against a real broker; here only the pages' logic is under test.
 */
final class InMemoryActivity implements ActivityQueries {

    final List<Attempt> attempts = new ArrayList<>();
    final List<Consumer<Attempt>> listeners = new CopyOnWriteArrayList<>();
    final List<Lease> leases = new ArrayList<>();
    boolean ready = true;

    Attempt add(String project, String task, String sha, String agent, boolean granted, Instant at) {
        var key = project + ":" + task + ":" + sha;
        var attempt = new Attempt(key + "#" + (attempts.size() + 1), key, project, task, sha, agent,
                "req-" + attempts.size(), at, granted, granted ? null : "holder", granted ? null : at,
                granted ? "ClaimGranted" : "ClaimDenied");
        attempts.add(attempt);
        listeners.forEach(listener -> listener.accept(attempt));
        return attempt;
    }

    @Override
    public ActivityStats stats() {
        long blocked = attempts.stream().filter(a -> !a.wasGranted()).count();
        return new ActivityStats(attempts.size(), attempts.size(), blocked, blocked,
                breakdown(Attempt::project), breakdown(Attempt::task), Instant.EPOCH);
    }

    private List<Breakdown> breakdown(java.util.function.Function<Attempt, String> label) {
        return attempts.stream()
                .collect(Collectors.groupingBy(label))
                .entrySet().stream()
                .map(e -> new Breakdown(e.getKey(), e.getValue().size(),
                        e.getValue().stream().filter(a -> !a.wasGranted()).count()))
                .sorted(Comparator.comparingLong(Breakdown::total).reversed().thenComparing(Breakdown::label))
                .toList();
    }

    @Override
    public AttemptPage recentAttempts(AttemptFilter filter, String cursor, int limit) {
        var matching = attempts.reversed().stream().filter(filter::matches).toList();
        int from = cursor == null ? 0 : Integer.parseInt(cursor);
        int to = Math.min(matching.size(), from + limit);
        return new AttemptPage(matching.subList(from, to), to < matching.size() ? Integer.toString(to) : null);
    }

    @Override
    public List<Attempt> attemptsForSha(String gitSha) {
        return attempts.reversed().stream().filter(a -> a.gitSha().startsWith(gitSha)).toList();
    }

    @Override
    public List<TimelineBucket> timeline(Instant from, Instant to, Duration bucket) {
        var buckets = new ArrayList<TimelineBucket>();
        for (var start = from; start.isBefore(to); start = start.plus(bucket)) {
            var end = start.plus(bucket);
            var bucketStart = start;
            var inside = attempts.stream()
                    .filter(a -> !a.attemptedAt().isBefore(bucketStart) && a.attemptedAt().isBefore(end))
                    .toList();
            buckets.add(new TimelineBucket(start, inside.size(), inside.stream().filter(a -> !a.wasGranted()).count()));
        }
        return buckets;
    }

    @Override
    public List<Lease> leases(LeaseState state, int limit) {
        return leases.stream().filter(lease -> lease.state() == state).limit(limit).toList();
    }

    @Override
    public Subscription subscribe(Consumer<Attempt> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public boolean ready() {
        return ready;
    }
}
