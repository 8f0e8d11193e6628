package dev.turnstile.contracts.claim;

import java.time.Instant;
import java.util.Objects;

/**
 * Appended to the requests topic by the processor when, by its wall clock, a lease is past its expiry: the
 * decider then announces {@link LeaseExpired} if the lease is still unrenewed at {@code checkedAt}. Because the
 * check is itself a command in the key's log, replaying the log reproduces the announcement exactly; the wall
 * clock only decides when the check is appended, never what is decided.
 *
 * @param fencingToken the lease that looked due
 * @param checkedAt the processor's wall-clock time when it appended the check
 */
public record ExpireDue(
        int schemaVersion,
        String requestId,
        String taskKey,
        String project,
        String task,
        String gitSha,
        long fencingToken,
        Instant checkedAt)
        implements ClaimCommand {

    public static final int SCHEMA_VERSION = 1;

    public ExpireDue {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(taskKey, "taskKey");
        Objects.requireNonNull(checkedAt, "checkedAt");
    }

    /** A check of lease {@code fencingToken} on {@code key} at {@code checkedAt}. */
    public static ExpireDue of(TaskKey key, long fencingToken, Instant checkedAt) {
        return new ExpireDue(
                SCHEMA_VERSION,
                "expire-" + fencingToken + "-" + checkedAt.toEpochMilli(),
                key.value(),
                key.project(),
                key.task(),
                key.gitSha(),
                fencingToken,
                checkedAt);
    }

    @Override
    public Instant timestamp() {
        return checkedAt;
    }

    @Override
    public String fingerprint() {
        return "expire token=" + fencingToken;
    }
}
