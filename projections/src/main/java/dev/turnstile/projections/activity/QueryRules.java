package dev.turnstile.projections.activity;

import dev.turnstile.projections.query.ActivityQueries;
import dev.turnstile.projections.query.Attempt;
import dev.turnstile.projections.query.AttemptFilter;
import dev.turnstile.projections.query.AttemptPage;
import dev.turnstile.projections.query.Breakdown;
import dev.turnstile.projections.query.InvalidQueryException;
import dev.turnstile.projections.query.LeaseState;
import dev.turnstile.projections.query.Result;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The rules {@link ActivityQueries} answers by, whatever holds the model: page sizes, the 24 h window, breakdown
 * order, SHA prefixes and pages. Shared by the RocksDB queries and the in-memory model, so they cannot differ.
 */
final class QueryRules {

    static final long MINUTE_MILLIS = 60_000;
    private static final long DAY_MINUTES = 24 * 60;
    /** A SHA prefix matching more SHAs than this is reported with this many of them. */
    static final int SHAS_LISTED_WHEN_AMBIGUOUS = 5;

    private QueryRules() {}

    /**
     * A range of one-minute buckets.
     *
     * @param first the first minute, counted from the epoch
     * @param endExclusive the minute after the last
     */
    record Minutes(long first, long endExclusive) {}

    /**
     * A listed attempt at its position (see {@link Keys#position}): the order of every list and what a cursor
     * points at.
     */
    record Listed(byte[] position, Attempt attempt) {}

    static long minuteOf(Instant instant) {
        return Math.floorDiv(instant.toEpochMilli(), MINUTE_MILLIS);
    }

    /** The last 24 hours: the 1440 whole minutes up to and including the current one, so its start is exact. */
    static Minutes lastDay(Instant now) {
        long nowMinute = minuteOf(now);
        return new Minutes(nowMinute - DAY_MINUTES + 1, nowMinute + 1);
    }

    /** The page size for {@code limit}: the default for {@code <= 0}, at most the maximum. */
    static int pageSize(int limit) {
        return limit <= 0 ? ActivityQueries.DEFAULT_PAGE_SIZE : Math.min(limit, ActivityQueries.MAX_PAGE_SIZE);
    }

    /** A page from up to {@code size + 1} listed attempts: one more than the page means there is a next page. */
    static AttemptPage page(List<Listed> found, int size) {
        var items = found.stream().limit(size).map(Listed::attempt).toList();
        if (found.size() > size) {
            return new AttemptPage(items, Cursors.encode(found.get(size - 1).position()));
        }
        return new AttemptPage(items, null);
    }

    /** Per project or task, by total descending, then label. */
    static List<Breakdown> breakdown(Map<String, Counts> counts) {
        return counts.entrySet().stream()
                .map(entry -> new Breakdown(
                        entry.getKey(),
                        entry.getValue().total(),
                        entry.getValue().blocked()))
                .sorted(Comparator.comparingLong(Breakdown::total).reversed().thenComparing(Breakdown::label))
                .toList();
    }

    /** {@code gitSha} as the SHA index holds SHAs: stripped, lower case. */
    static String shaPrefix(String gitSha) {
        if (gitSha == null || gitSha.isBlank()) {
            throw new InvalidQueryException("gitSha", "required", "gitSha must not be blank");
        }
        return gitSha.strip().toLowerCase(Locale.ROOT);
    }

    /**
     * The one SHA {@code gitSha} names among {@code candidates} (up to {@value #SHAS_LISTED_WHEN_AMBIGUOUS} + 1
     * SHAs that start with its prefix, in order): itself when seen, else the only one; null when none.
     *
     * @throws InvalidQueryException when it starts several SHAs
     */
    static String matchSha(String gitSha, List<String> candidates) {
        var sha = shaPrefix(gitSha);
        if (candidates.isEmpty()) {
            return null;
        }
        if (candidates.contains(sha)) {
            return sha;
        }
        if (candidates.size() == 1) {
            return candidates.getFirst();
        }
        throw new InvalidQueryException(
                "gitSha",
                "ambiguous",
                "gitSha \"" + gitSha
                        + "\" is the start of several SHAs ("
                        + String.join(
                                ", ", candidates.subList(0, Math.min(candidates.size(), SHAS_LISTED_WHEN_AMBIGUOUS)))
                        + (candidates.size() > SHAS_LISTED_WHEN_AMBIGUOUS ? ", …" : "")
                        + "); give more characters");
    }

    /**
     * Whether the minute buckets answer a timeline of {@code filter}: no SHA prefix, and not both a project and a
     * task (there are series of every claim, of each project and of each task; a result is read from their counts).
     */
    static boolean countedByMinutes(AttemptFilter filter) {
        return filter.shaPrefix() == null && (filter.project() == null || filter.task() == null);
    }

    /** The part of {@code counts} that {@code result} keeps: all of it when null; granted ones block nothing. */
    static Counts only(Result result, Counts counts) {
        if (result == null) {
            return counts;
        }
        return result == Result.BLOCKED
                ? new Counts(counts.blocked(), counts.blocked())
                : new Counts(counts.total() - counts.blocked(), 0);
    }

    static LeaseState requireState(LeaseState state) {
        if (state == null) {
            throw new InvalidQueryException(
                    "state", "required", "state must be given: active, expired, released or completed");
        }
        return state;
    }
}
