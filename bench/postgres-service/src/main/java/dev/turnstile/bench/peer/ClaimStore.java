package dev.turnstile.bench.peer;

import dev.turnstile.contracts.claim.TaskKey;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Claims in PostgreSQL, the way a team would write it: one transaction inserts the claim with {@code ON CONFLICT
 * DO NOTHING} (the primary key decides the race), reads the holder when it lost, and records the attempt.
 */
@Repository
class ClaimStore implements InitializingBean {

    /**
     * Who holds a key.
     *
     * @param agentId the holder
     * @param requestId the request that won it
     * @param claimedAt when it won
     */
    record Holder(String agentId, String requestId, Instant claimedAt) {}

    /**
     * What one attempt decided.
     *
     * @param granted true when this attempt inserted the claim
     * @param holder who holds the key now (this agent when granted)
     * @param attemptId the attempt's row id
     */
    record Decision(boolean granted, Holder holder, long attemptId) {}

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;

    ClaimStore(JdbcClient jdbc, TransactionTemplate transactions) {
        this.jdbc = jdbc;
        this.transactions = transactions;
    }

    /** The two tables, made before the web server opens. */
    @Override
    public void afterPropertiesSet() {
        jdbc.sql("CREATE TABLE IF NOT EXISTS claims (task_key text PRIMARY KEY, agent_id text NOT NULL,"
                        + " request_id text NOT NULL, claimed_at timestamptz NOT NULL)")
                .update();
        jdbc.sql("CREATE TABLE IF NOT EXISTS claim_attempts (id bigserial PRIMARY KEY, task_key text NOT NULL,"
                        + " agent_id text NOT NULL, request_id text NOT NULL, attempted_at timestamptz NOT NULL,"
                        + " proceed boolean NOT NULL)")
                .update();
    }

    /** Claims {@code key} for {@code agentId}; the first insert wins, every attempt is recorded. */
    Decision claim(TaskKey key, String agentId, String requestId, Instant now) {
        return transactions.execute(status -> {
            var at = Timestamp.from(now);
            boolean granted = jdbc.sql("INSERT INTO claims (task_key, agent_id, request_id, claimed_at)"
                                    + " VALUES (?, ?, ?, ?) ON CONFLICT (task_key) DO NOTHING")
                            .params(key.value(), agentId, requestId, at)
                            .update()
                    == 1;
            // Read committed: the statement after a conflict sees the winner's committed row.
            var holder = granted
                    ? new Holder(agentId, requestId, now)
                    : jdbc.sql("SELECT agent_id, request_id, claimed_at FROM claims WHERE task_key = ?")
                            .param(key.value())
                            .query((row, n) -> new Holder(
                                    row.getString(1),
                                    row.getString(2),
                                    row.getObject(3, OffsetDateTime.class).toInstant()))
                            .single();
            long attemptId = jdbc.sql("INSERT INTO claim_attempts (task_key, agent_id, request_id, attempted_at,"
                            + " proceed) VALUES (?, ?, ?, ?, ?) RETURNING id")
                    .params(
                            key.value(),
                            agentId,
                            requestId,
                            at,
                            granted || holder.agentId().equals(agentId))
                    .query(Long.class)
                    .single();
            return new Decision(granted, holder, attemptId);
        });
    }

    /** Whether the database answers. */
    boolean reachable() {
        return jdbc.sql("SELECT 1").query(Integer.class).single() == 1;
    }
}
