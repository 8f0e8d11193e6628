package dev.turnstile.processor.jobstream;

import dev.turnstile.processor.jobs.JobRecord;
import dev.turnstile.processor.jobs.QueueSummary;
import dev.turnstile.processor.jobs.RememberedJobAnswer;
import java.util.Optional;

/**
 * What the job processor stores, as tables (see {@link JobKeys} for the keys). Kept apart from Kafka Streams so
 * that the same view, writer and timer scan run over RocksDB in the topology and over maps in the simulation.
 */
interface JobTables {

    /** Queue summaries by queue name. */
    Table<QueueSummary> queues();

    /** Job records by {@code <queue>|<jobId>}. */
    Table<JobRecord> jobs();

    /** Waiting jobs by {@code <queue>|<inverted priority>|<ready sequence>} → job id: the hand-out order. */
    Table<String> waiting();

    /**
     * Everything that comes due by time, across queues: {@code <due millis>|<kind>|<queue>|<id>} → a value per kind
     * (a lease's fencing token). The processor's wall-clock scan reads it from the start.
     */
    Table<String> timers();

    /** Dedup keys held by unfinished jobs, by {@code <queue>|<dedupKey>} → job id. */
    Table<String> dedup();

    /** The answer last remembered under {@code <queue>|<requestId>}. */
    Optional<RememberedJobAnswer> answer(String key);

    void remember(String key, RememberedJobAnswer answer);
}
