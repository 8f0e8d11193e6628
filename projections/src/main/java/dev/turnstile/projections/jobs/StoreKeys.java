package dev.turnstile.projections.jobs;

import dev.turnstile.contracts.job.JobState;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

/**
 * The key layout of the job store: one RocksDB key space, one ASCII prefix per kind of entry (the table is in the
 * module's {@code jobs-store.md}). Queue names, job ids, job names and state names never contain a zero byte, which ends
 * each of them inside a key; numbers are 8 bytes big-endian, so byte order is numeric order.
 */
final class StoreKeys {

    static final byte[] META_TOPIC = ascii("M:topic");
    static final byte[] META_LAYOUT = ascii("M:layout");
    static final byte[] OFFSET = ascii("O:");
    static final byte[] QUEUE = ascii("Q:");
    static final byte[] JOB = ascii("J:");
    static final byte[] ALL_JOBS = ascii("IA:");
    static final byte[] BY_STATE = ascii("IS:");
    static final byte[] BY_NAME = ascii("IN:");
    static final byte[] FINISHED = ascii("IF:");
    static final byte[] TIMELINE = ascii("T:");
    static final byte[] LOGS = ascii("G:");
    static final byte[] ARTIFACTS = ascii("R:");
    static final byte[] EVENTS = ascii("E:");

    static final byte SEPARATOR = 0;

    private StoreKeys() {}

    static byte[] offset(int partition) {
        return ByteBuffer.allocate(OFFSET.length + 4)
                .put(OFFSET)
                .putInt(partition)
                .array();
    }

    static int partitionOf(byte[] offsetKey) {
        return ByteBuffer.wrap(offsetKey, OFFSET.length, 4).getInt();
    }

    static byte[] queue(String queue) {
        return concat(QUEUE, utf8(queue));
    }

    static byte[] job(String queue, String jobId) {
        return concat(JOB, named(queue), utf8(jobId));
    }

    /** The entries of one queue in an index or list: {@code prefix + queue + 0}. */
    static byte[] ofQueue(byte[] prefix, String queue) {
        return concat(prefix, named(queue));
    }

    /** Every job of the queue, newest first. */
    static byte[] allJobs(String queue, long enqueueSequence) {
        return concat(ofQueue(ALL_JOBS, queue), newestFirst(enqueueSequence));
    }

    static byte[] byStatePrefix(String queue, JobState state) {
        return concat(ofQueue(BY_STATE, queue), named(state.wireName()));
    }

    static byte[] byState(String queue, JobState state, long enqueueSequence) {
        return concat(byStatePrefix(queue, state), newestFirst(enqueueSequence));
    }

    static byte[] byNamePrefix(String queue, String name) {
        return concat(ofQueue(BY_NAME, queue), named(name));
    }

    static byte[] byName(String queue, String name, long enqueueSequence) {
        return concat(byNamePrefix(queue, name), newestFirst(enqueueSequence));
    }

    /** Finished jobs of the queue, oldest finish first (what a clean walks). */
    static byte[] finished(String queue, Instant finishedAt, long enqueueSequence) {
        return concat(ofQueue(FINISHED, queue), number(finishedAt.toEpochMilli()), number(enqueueSequence));
    }

    /** The first finished-job key at or after {@code millis}: a clean stops there. */
    static byte[] finishedFrom(String queue, long millis) {
        return concat(ofQueue(FINISHED, queue), number(millis));
    }

    /** A job's entries of one kind (timeline, logs, artifacts): {@code prefix + queue + 0 + jobId + 0}. */
    static byte[] ofJob(byte[] prefix, String queue, String jobId) {
        return concat(prefix, named(queue), named(jobId));
    }

    static byte[] entry(byte[] prefix, String queue, String jobId, long number) {
        return concat(ofJob(prefix, queue, jobId), number(number));
    }

    static byte[] event(String queue, long sequence) {
        return concat(ofQueue(EVENTS, queue), number(sequence));
    }

    /** The sequence at the end of an index key (jobs lists), undoing {@link #newestFirst}. */
    static long sequenceAtEnd(byte[] key) {
        return Long.MAX_VALUE - numberAtEnd(key);
    }

    /** The number at the end of a key (timeline, logs, artifacts, events). */
    static long numberAtEnd(byte[] key) {
        return ByteBuffer.wrap(key, key.length - 8, 8).getLong() ^ Long.MIN_VALUE;
    }

    /** Sorts higher sequences first (sequences are positive). */
    static byte[] newestFirst(long sequence) {
        return number(Long.MAX_VALUE - sequence);
    }

    static byte[] number(long value) {
        return ByteBuffer.allocate(8).putLong(value ^ Long.MIN_VALUE).array();
    }

    /**
     * The first key after every key that starts with {@code prefix}: the prefix with its last byte raised by one (every
     * prefix here ends in a separator or ':', never in 0xFF).
     */
    static byte[] end(byte[] prefix) {
        var end = Arrays.copyOf(prefix, prefix.length);
        end[end.length - 1]++;
        return end;
    }

    static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String string(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static byte[] named(String name) {
        return concat(utf8(name), new byte[] {SEPARATOR});
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] concat(byte[]... parts) {
        var out = new ByteArrayOutputStream();
        for (var part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
