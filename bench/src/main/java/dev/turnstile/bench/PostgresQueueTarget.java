package dev.turnstile.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;

/**
 * The floor of the queue workload: seed 002's {@code jobs} table and its {@code SELECT … FOR UPDATE SKIP LOCKED}
 * claim, called over JDBC by the load generator's workers directly, with no service in front (the same SQL and
 * schema as the PostgreSQL service peer, each transition recorded in {@code job_events} in the same transaction).
 */
final class PostgresQueueTarget implements QueueTarget {

    private final HikariDataSource pool;

    PostgresQueueTarget(String jdbcUrl, int poolSize) throws SQLException {
        var config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setUsername("postgres");
        config.setMaximumPoolSize(poolSize);
        config.setAutoCommit(false);
        this.pool = new HikariDataSource(config);
        try (var connection = pool.getConnection();
                var statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS jobs (id bigserial PRIMARY KEY, queue text NOT NULL,"
                    + " job_id text NOT NULL, name text NOT NULL, payload jsonb, state text NOT NULL,"
                    + " priority int NOT NULL, attempt int NOT NULL DEFAULT 0, max_attempts int NOT NULL,"
                    + " fencing_token bigint NOT NULL DEFAULT 0, worker_id text, lease_seconds int NOT NULL,"
                    + " lease_expires_at timestamptz, result jsonb, created_at timestamptz NOT NULL,"
                    + " finished_at timestamptz, UNIQUE (queue, job_id))");
            statement.execute("CREATE INDEX IF NOT EXISTS jobs_waiting ON jobs (queue, priority DESC, id)"
                    + " WHERE state = 'waiting'");
            statement.execute("CREATE TABLE IF NOT EXISTS job_events (id bigserial PRIMARY KEY, queue text NOT NULL,"
                    + " job_id text NOT NULL, type text NOT NULL, worker_id text, attempt int, fencing_token bigint,"
                    + " at timestamptz NOT NULL)");
            connection.commit();
        }
    }

    @Override
    public String name() {
        return "postgres";
    }

    @Override
    public void enqueue(String queue, String jobId) throws SQLException {
        try (var connection = pool.getConnection()) {
            var now = Timestamp.from(Instant.now());
            try (var insert = connection.prepareStatement("INSERT INTO jobs (queue, job_id, name, payload, state,"
                    + " priority, max_attempts, lease_seconds, created_at) VALUES (?, ?, 'noop', '{\"n\":1}'::jsonb,"
                    + " 'waiting', 0, 3, 30, ?) ON CONFLICT (queue, job_id) DO NOTHING")) {
                insert.setString(1, queue);
                insert.setString(2, jobId);
                insert.setTimestamp(3, now);
                if (insert.executeUpdate() != 1) {
                    throw new IllegalStateException("job " + jobId + " was already in queue " + queue);
                }
                event(connection, queue, jobId, "enqueued", null, 0, 0, now);
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    @Override
    public Claimed claimNext(String queue, String workerId) throws SQLException {
        try (var connection = pool.getConnection()) {
            var now = Timestamp.from(Instant.now());
            try (var claim = connection.prepareStatement("UPDATE jobs SET state = 'active', attempt = attempt + 1,"
                    + " fencing_token = fencing_token + 1, worker_id = ?,"
                    + " lease_expires_at = ?::timestamptz + lease_seconds * interval '1 second'"
                    + " WHERE id = (SELECT id FROM jobs WHERE queue = ? AND state = 'waiting'"
                    + " ORDER BY priority DESC, id LIMIT 1 FOR UPDATE SKIP LOCKED)"
                    + " RETURNING job_id, attempt, fencing_token")) {
                claim.setString(1, workerId);
                claim.setTimestamp(2, now);
                claim.setString(3, queue);
                Claimed claimed = null;
                try (var rows = claim.executeQuery()) {
                    if (rows.next()) {
                        claimed = new Claimed(queue, rows.getString(1), workerId, rows.getLong(3));
                        event(
                                connection,
                                queue,
                                claimed.jobId(),
                                "claimed",
                                workerId,
                                rows.getInt(2),
                                claimed.fencingToken(),
                                now);
                    }
                }
                connection.commit();
                return claimed;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    @Override
    public void complete(Claimed job) throws SQLException {
        try (var connection = pool.getConnection()) {
            var now = Timestamp.from(Instant.now());
            try (var complete = connection.prepareStatement("UPDATE jobs SET state = 'succeeded', finished_at = ?"
                    + " WHERE queue = ? AND job_id = ? AND state = 'active' AND fencing_token = ? AND worker_id = ?")) {
                complete.setTimestamp(1, now);
                complete.setString(2, job.queue());
                complete.setString(3, job.jobId());
                complete.setLong(4, job.fencingToken());
                complete.setString(5, job.workerId());
                if (complete.executeUpdate() != 1) {
                    throw new IllegalStateException("token " + job.fencingToken() + " no longer holds " + job.jobId());
                }
                event(connection, job.queue(), job.jobId(), "succeeded", job.workerId(), 0, job.fencingToken(), now);
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    private static void event(
            Connection connection,
            String queue,
            String jobId,
            String type,
            String workerId,
            int attempt,
            long token,
            Timestamp at)
            throws SQLException {
        try (var insert = connection.prepareStatement("INSERT INTO job_events (queue, job_id, type, worker_id, attempt,"
                + " fencing_token, at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, queue);
            insert.setString(2, jobId);
            insert.setString(3, type);
            insert.setString(4, workerId);
            insert.setInt(5, attempt);
            insert.setLong(6, token);
            insert.setTimestamp(7, at);
            insert.executeUpdate();
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
