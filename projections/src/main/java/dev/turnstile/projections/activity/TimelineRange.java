package dev.turnstile.projections.activity;

import dev.turnstile.projections.query.Attempt;
import dev.turnstile.projections.query.InvalidQueryException;
import dev.turnstile.projections.query.TimelineBucket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One timeline being summed: {@code [from, to)} in buckets of whole minutes aligned to multiples of the bucket
 * since the epoch. Validates its arguments, naming the one at fault; minute counts are added, then read as buckets.
 */
final class TimelineRange {

    static final int MAX_BUCKETS = 10_000;

    private final long first;
    private final long end;
    private final long bucketMillis;
    private final long[] attempts;
    private final long[] blocked;

    /** @throws InvalidQueryException naming {@code from}, {@code to} or {@code bucket} */
    TimelineRange(Instant from, Instant to, Duration bucket) {
        if (from == null || to == null || bucket == null) {
            var field = from == null ? "from" : to == null ? "to" : "bucket";
            throw new InvalidQueryException(field, "required", "from, to and bucket are required");
        }
        if (!from.isBefore(to)) {
            throw new InvalidQueryException("from", "range", "from must be before to; got from=" + from + ", to=" + to);
        }
        if (bucket.isNegative() || bucket.isZero() || bucket.toMillis() % QueryRules.MINUTE_MILLIS != 0) {
            throw new InvalidQueryException(
                    "bucket",
                    "range",
                    "bucket must be a positive whole number of minutes (e.g. PT5M, PT1H, P1D); got " + bucket);
        }
        bucketMillis = bucket.toMillis();
        first = Math.floorDiv(from.toEpochMilli(), bucketMillis) * bucketMillis;
        end = to.toEpochMilli();
        long count = Math.ceilDiv(end - first, bucketMillis);
        if (count > MAX_BUCKETS) {
            throw new InvalidQueryException(
                    "bucket",
                    "range",
                    "from/to/bucket would give " + count + " buckets; at most " + MAX_BUCKETS
                            + " are allowed: use a larger bucket or a shorter range");
        }
        attempts = new long[(int) count];
        blocked = new long[(int) count];
    }

    /** The minutes whose counts fall in the range. */
    QueryRules.Minutes minutes() {
        return new QueryRules.Minutes(
                Math.floorDiv(first, QueryRules.MINUTE_MILLIS), Math.ceilDiv(end, QueryRules.MINUTE_MILLIS));
    }

    /** Adds the counts of one minute of {@link #minutes()}. */
    void add(long minute, Counts counts) {
        int slot = (int) ((minute * QueryRules.MINUTE_MILLIS - first) / bucketMillis);
        attempts[slot] += counts.total();
        blocked[slot] += counts.blocked();
    }

    /** Adds one attempt, when it is a claim made in {@link #minutes()}. */
    void add(Attempt attempt) {
        long minute = QueryRules.minuteOf(attempt.attemptedAt());
        var span = minutes();
        if (attempt.isClaim() && minute >= span.first() && minute < span.endExclusive()) {
            add(minute, Counts.ZERO.plus(attempt.wasGranted()));
        }
    }

    /** Every bucket, oldest first, empty ones included. */
    List<TimelineBucket> buckets() {
        var buckets = new ArrayList<TimelineBucket>(attempts.length);
        for (int i = 0; i < attempts.length; i++) {
            buckets.add(new TimelineBucket(Instant.ofEpochMilli(first + i * bucketMillis), attempts[i], blocked[i]));
        }
        return buckets;
    }
}
