package dev.turnstile.projections.activity;

import dev.turnstile.projections.query.Attempt;
import dev.turnstile.projections.query.Lease;
import dev.turnstile.projections.query.Result;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The key layout of the activity store: one RocksDB key space, one ASCII prefix per kind of entry. See the module's
 * {@code README.md} for the table.
 *
 * <p>A <em>position</em> orders attempts newest first: 8 bytes of {@code -attemptedAtMillis} (sign bit flipped, so
 * unsigned byte order is numeric order) followed by the decision id. Every attempt index ends in the position, so
 * one cursor (a position) pages any index.
 */
final class Keys {

    static final byte[] META_TOPIC = ascii("M:topic");
    static final byte[] TOTALS = ascii("C:all");
    static final byte[] OFFSET = ascii("O:");
    static final byte[] SEEN = ascii("D:");
    static final byte[] PROJECT = ascii("P:");
    static final byte[] TASK = ascii("T:");
    static final byte[] MINUTE = ascii("B:");
    static final byte[] PROJECT_MINUTE = ascii("BP:");
    static final byte[] TASK_MINUTE = ascii("BT:");
    static final byte[] ATTEMPT = ascii("A:");
    static final byte[] BY_PROJECT = ascii("IP:");
    static final byte[] BY_TASK = ascii("IT:");
    static final byte[] BY_RESULT = ascii("IR:");
    static final byte[] BY_SHA = ascii("IS:");
    static final byte[] META_LAYOUT = ascii("M:layout");
    static final byte[] LEASE = ascii("L:");
    static final byte[] BY_LEASE_STATE = ascii("IL:");

    /** Ends a name inside an index key; names never contain it (see ClaimRules). */
    static final byte SEPARATOR = 0;

    static final byte GRANTED = 'G';
    static final byte BLOCKED = 'B';

    private Keys() {}

    static byte[] offset(int partition) {
        return ByteBuffer.allocate(OFFSET.length + 4)
                .put(OFFSET)
                .putInt(partition)
                .array();
    }

    static int partitionOf(byte[] offsetKey) {
        return ByteBuffer.wrap(offsetKey, OFFSET.length, 4).getInt();
    }

    static byte[] seen(String decisionId) {
        return concat(SEEN, utf8(decisionId));
    }

    static byte[] project(String project) {
        return concat(PROJECT, utf8(project));
    }

    static byte[] task(String task) {
        return concat(TASK, utf8(task));
    }

    static byte[] minute(long epochMinute) {
        return minute(MINUTE, epochMinute);
    }

    /**
     * A one-minute bucket of a series: {@link #MINUTE} for every claim, {@link #projectMinutes} or
     * {@link #taskMinutes} for one project's or task's.
     */
    static byte[] minute(byte[] series, long epochMinute) {
        return ByteBuffer.allocate(series.length + 8)
                .put(series)
                .putLong(sortable(epochMinute))
                .array();
    }

    /** The series of one project's minute buckets. */
    static byte[] projectMinutes(String project) {
        return named(PROJECT_MINUTE, project);
    }

    /** The series of one task's minute buckets. */
    static byte[] taskMinutes(String task) {
        return named(TASK_MINUTE, task);
    }

    static long minuteOf(byte[] minuteKey, int seriesLength) {
        return sortable(ByteBuffer.wrap(minuteKey, seriesLength, 8).getLong());
    }

    /** The position of an attempt: newest first, ties broken by decision id. */
    static byte[] position(long attemptedAtMillis, String decisionId) {
        var id = utf8(decisionId);
        return ByteBuffer.allocate(8 + id.length)
                .putLong(sortable(-attemptedAtMillis))
                .put(id)
                .array();
    }

    static byte[] position(Attempt attempt) {
        return position(attempt.attemptedAt().toEpochMilli(), attempt.decisionId());
    }

    /** The prefix of an attempt index: entries are the prefix and a position. */
    static byte[] prefix(AttemptIndex index) {
        return switch (index) {
            case AttemptIndex.All all -> ATTEMPT;
            case AttemptIndex.ByProject byProject -> named(BY_PROJECT, byProject.project());
            case AttemptIndex.ByTask byTask -> named(BY_TASK, byTask.task());
            case AttemptIndex.ByResult byResult -> result(byResult.result() == Result.GRANTED);
            case AttemptIndex.BySha bySha -> named(BY_SHA, bySha.gitSha());
        };
    }

    static byte[] lease(String taskKey) {
        return concat(LEASE, utf8(taskKey));
    }

    /** The entry of a lease in its state's index: most recently granted first. */
    static byte[] leaseInState(Lease lease) {
        return concat(named(BY_LEASE_STATE, lease.state().label()), leasePosition(lease));
    }

    /** The order of leases in their state's index: most recently granted first, ties broken by task key. */
    static byte[] leasePosition(Lease lease) {
        return position(lease.grantedAt().toEpochMilli(), lease.taskKey());
    }

    static byte[] attempt(byte[] position) {
        return concat(ATTEMPT, position);
    }

    /** The prefix of one name in a name index ({@link #BY_PROJECT}, {@link #BY_TASK}, {@link #BY_SHA}). */
    static byte[] named(byte[] index, String name) {
        return concat(index, utf8(name), new byte[] {SEPARATOR});
    }

    static byte[] result(boolean granted) {
        return concat(BY_RESULT, new byte[] {granted ? GRANTED : BLOCKED});
    }

    static byte[] concat(byte[]... parts) {
        int length = 0;
        for (var part : parts) {
            length += part.length;
        }
        var out = new byte[length];
        int at = 0;
        for (var part : parts) {
            System.arraycopy(part, 0, out, at, part.length);
            at += part.length;
        }
        return out;
    }

    static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    static byte[] suffix(byte[] key, int from) {
        return Arrays.copyOfRange(key, from, key.length);
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String string(byte[] bytes, int from, int to) {
        return new String(bytes, from, to - from, StandardCharsets.UTF_8);
    }

    /** Flips the sign bit, so that big-endian unsigned byte order is signed numeric order. */
    private static long sortable(long value) {
        return value ^ Long.MIN_VALUE;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
