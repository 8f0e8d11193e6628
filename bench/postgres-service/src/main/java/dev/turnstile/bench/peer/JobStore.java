package dev.turnstile.bench.peer;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Work queues in PostgreSQL the way seed 002 (the Ops Control Room) builds them: a {@code jobs} table claimed with
 * {@code SELECT … FOR UPDATE SKIP LOCKED} in one {@code UPDATE}, fencing by a token column, and every transition
 * recorded in {@code job_events} in the same transaction (as Turnstile records every event in its log).
 */
@Repository
class JobStore implements InitializingBean {

    /** A job handed to a worker. */
    record Claimed(
            String jobId,
            String name,
            String payload,
            int attempt,
            int maxAttempts,
            long fencingToken,
            int leaseSeconds,
            Instant leaseExpiresAt) {}

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;

    JobStore(JdbcClient jdbc, TransactionTemplate transactions) {
        this.jdbc = jdbc;
        this.transactions = transactions;
    }

    @Override
    public void afterPropertiesSet() {
        jdbc.sql(SCHEMA_JOBS).update();
        jdbc.sql(SCHEMA_CLAIM_INDEX).update();
        jdbc.sql(SCHEMA_EVENTS).update();
    }

    static final String SCHEMA_JOBS = "CREATE TABLE IF NOT EXISTS jobs (id bigserial PRIMARY KEY, queue text NOT NULL,"
            + " job_id text NOT NULL, name text NOT NULL, payload jsonb, state text NOT NULL, priority int NOT NULL,"
            + " attempt int NOT NULL DEFAULT 0, max_attempts int NOT NULL, fencing_token bigint NOT NULL DEFAULT 0,"
            + " worker_id text, lease_seconds int NOT NULL, lease_expires_at timestamptz, result jsonb,"
            + " created_at timestamptz NOT NULL, finished_at timestamptz, UNIQUE (queue, job_id))";

    /** The claim's index: waiting jobs of a queue by priority, then arrival. */
    static final String SCHEMA_CLAIM_INDEX =
            "CREATE INDEX IF NOT EXISTS jobs_waiting ON jobs (queue, priority DESC, id)" + " WHERE state = 'waiting'";

    static final String SCHEMA_EVENTS = "CREATE TABLE IF NOT EXISTS job_events (id bigserial PRIMARY KEY,"
            + " queue text NOT NULL, job_id text NOT NULL, type text NOT NULL, worker_id text, attempt int,"
            + " fencing_token bigint, at timestamptz NOT NULL)";

    /** Adds a job; false when the queue already holds one with this id. */
    boolean enqueue(
            String queue,
            String jobId,
            String name,
            String payload,
            int priority,
            int maxAttempts,
            int leaseSeconds,
            Instant now) {
        return Boolean.TRUE.equals(transactions.execute(status -> {
            var at = Timestamp.from(now);
            boolean added = jdbc.sql("INSERT INTO jobs (queue, job_id, name, payload, state, priority, max_attempts,"
                                    + " lease_seconds, created_at) VALUES (?, ?, ?, ?::jsonb, 'waiting', ?, ?, ?, ?)"
                                    + " ON CONFLICT (queue, job_id) DO NOTHING")
                            .params(queue, jobId, name, payload, priority, maxAttempts, leaseSeconds, at)
                            .update()
                    == 1;
            if (added) {
                event(queue, jobId, "enqueued", null, 0, 0, at);
            }
            return added;
        }));
    }

    /** The next waiting job of the queue, claimed for {@code workerId}; empty when none waits. */
    Optional<Claimed> claimNext(String queue, String workerId, Instant now) {
        return transactions.execute(status -> {
            var at = Timestamp.from(now);
            var claimed = jdbc.sql("UPDATE jobs SET state = 'active', attempt = attempt + 1,"
                            + " fencing_token = fencing_token + 1, worker_id = ?,"
                            + " lease_expires_at = ?::timestamptz + lease_seconds * interval '1 second'"
                            + " WHERE id = (SELECT id FROM jobs WHERE queue = ? AND state = 'waiting'"
                            + " ORDER BY priority DESC, id LIMIT 1 FOR UPDATE SKIP LOCKED)"
                            + " RETURNING job_id, name, payload::text, attempt, max_attempts, fencing_token,"
                            + " lease_seconds, lease_expires_at")
                    .params(workerId, at, queue)
                    .query((row, n) -> new Claimed(
                            row.getString(1),
                            row.getString(2),
                            row.getString(3),
                            row.getInt(4),
                            row.getInt(5),
                            row.getLong(6),
                            row.getInt(7),
                            row.getTimestamp(8).toInstant()))
                    .optional();
            claimed.ifPresent(
                    job -> event(queue, job.jobId(), "claimed", workerId, job.attempt(), job.fencingToken(), at));
            return claimed;
        });
    }

    /** Records success of the attempt holding {@code fencingToken}; false when it does not hold the job (stale). */
    boolean complete(String queue, String jobId, String workerId, long fencingToken, String result, Instant now) {
        return Boolean.TRUE.equals(transactions.execute(status -> {
            var at = Timestamp.from(now);
            boolean done = jdbc.sql("UPDATE jobs SET state = 'succeeded', result = ?::jsonb, finished_at = ?"
                                    + " WHERE queue = ? AND job_id = ? AND state = 'active' AND fencing_token = ?"
                                    + " AND worker_id = ?")
                            .params(result, at, queue, jobId, fencingToken, workerId)
                            .update()
                    == 1;
            if (done) {
                event(queue, jobId, "succeeded", workerId, 0, fencingToken, at);
            }
            return done;
        }));
    }

    private void event(
            String queue, String jobId, String type, String workerId, int attempt, long token, Timestamp at) {
        jdbc.sql("INSERT INTO job_events (queue, job_id, type, worker_id, attempt, fencing_token, at)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?)")
                .params(queue, jobId, type, workerId, attempt, token, at)
                .update();
    }
}
