package dev.turnstile.processor.jobstream;

import dev.turnstile.contracts.job.JobRules;
import dev.turnstile.processor.jobs.JobRecord;
import java.time.Instant;

/**
 * Store keys. Queue names, job ids and request ids never contain {@code |}, so it separates key parts; numbers are
 * zero-padded so that string order is numeric order.
 */
final class JobKeys {

    /** Kinds of timer: a delay or backoff coming due, a lease running out, a parked claim-next's wait running out. */
    static final char DUE = 'D';

    static final char LEASE = 'L';
    static final char WAIT = 'W';

    /** Sorts after every digit and after '|': closes a range of keys that start with a given prefix. */
    static final String END = "~";

    private JobKeys() {}

    static String job(String queue, String jobId) {
        return queue + '|' + jobId;
    }

    static String answer(String queue, String requestId) {
        return queue + '|' + requestId;
    }

    static String dedup(String queue, String dedupKey) {
        return queue + '|' + dedupKey;
    }

    /** Higher priority first (the priority is inverted), then the order jobs became waiting. */
    static String waiting(String queue, JobRecord job) {
        return queue + '|' + padded(JobRules.PRIORITY_MAX - job.priority(), 7) + '|' + padded(job.readySequence(), 19);
    }

    static String waitingFrom(String queue) {
        return queue + '|';
    }

    static String waitingTo(String queue) {
        return queue + '|' + END;
    }

    static String timer(Instant due, char kind, String queue, String id) {
        return padded(Math.max(0, due.toEpochMilli()), 13) + '|' + kind + '|' + queue + '|' + id;
    }

    /** The first possible timer key. */
    static String timersFrom() {
        return padded(0, 13) + '|';
    }

    /** The last possible timer key due at or before {@code millis}. */
    static String timersTo(long millis) {
        return padded(millis, 13) + END;
    }

    /** {@code value} (not negative) in decimal, zero-padded to {@code width} digits. */
    static String padded(long value, int width) {
        var digits = Long.toString(value);
        return digits.length() >= width ? digits : "0".repeat(width - digits.length()) + digits;
    }

    /** A timer key's parts: due millis, kind, queue, id. */
    static String[] timerParts(String key) {
        return key.split("\\|", 4);
    }
}
