package dev.turnstile.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;

/**
 * The relational way (seeds 001/002): one transaction inserts the claim row with {@code ON CONFLICT DO NOTHING}
 * and records the attempt.
 */
final class PostgresTarget implements ClaimTarget {

    private final HikariDataSource pool;

    PostgresTarget(String jdbcUrl, int poolSize) throws SQLException {
        var config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setUsername("postgres");
        config.setMaximumPoolSize(poolSize);
        config.setAutoCommit(false);
        this.pool = new HikariDataSource(config);
        try (var connection = pool.getConnection();
                var statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS claims (task_key text PRIMARY KEY, agent_id text NOT NULL,"
                    + " claimed_at timestamptz NOT NULL)");
            statement.execute(
                    "CREATE TABLE IF NOT EXISTS claim_attempts (id bigserial PRIMARY KEY, task_key text NOT"
                            + " NULL, agent_id text NOT NULL, attempted_at timestamptz NOT NULL, was_granted boolean NOT NULL)");
            connection.commit();
        }
    }

    @Override
    public String name() {
        return "postgres";
    }

    @Override
    public boolean claim(String project, String task, String sha, String agent) throws SQLException {
        var key = project + ":" + task + ":" + sha;
        var now = Timestamp.from(Instant.now());
        try (var connection = pool.getConnection()) {
            try (var insert = connection.prepareStatement(
                            "INSERT INTO claims (task_key, agent_id, claimed_at) VALUES (?, ?, ?)"
                                    + " ON CONFLICT (task_key) DO NOTHING");
                    var attempt = connection.prepareStatement("INSERT INTO claim_attempts (task_key, agent_id,"
                            + " attempted_at, was_granted) VALUES (?, ?, ?, ?)")) {
                insert.setString(1, key);
                insert.setString(2, agent);
                insert.setTimestamp(3, now);
                boolean granted = insert.executeUpdate() == 1;
                attempt.setString(1, key);
                attempt.setString(2, agent);
                attempt.setTimestamp(3, now);
                attempt.setBoolean(4, granted);
                attempt.executeUpdate();
                connection.commit();
                return granted;
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
