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
        return String.format("%s|%07d|%019d", queue, JobRules.PRIORITY_MAX - job.priority(), job.readySequence());
    }

    static String waitingFrom(String queue) {
        return queue + '|';
    }

    static String waitingTo(String queue) {
        return queue + '|' + END;
    }

    static String timer(Instant due, char kind, String queue, String id) {
        return String.format("%013d|%c|%s|%s", Math.max(0, due.toEpochMilli()), kind, queue, id);
    }

    /** The first possible timer key. */
    static String timersFrom() {
        return String.format("%013d|", 0);
    }

    /** The last possible timer key due at or before {@code millis}. */
    static String timersTo(long millis) {
        return String.format("%013d%s", millis, END);
    }

    /** A timer key's parts: due millis, kind, queue, id. */
    static String[] timerParts(String key) {
        return key.split("\\|", 4);
    }
}
