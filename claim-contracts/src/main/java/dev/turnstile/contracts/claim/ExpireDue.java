package dev.turnstile.contracts.claim;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
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
public record ExpireDue(@JsonUnwrapped CommandHeader header, long fencingToken, Instant checkedAt)
        implements ClaimCommand {

    public ExpireDue {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(checkedAt, "checkedAt");
    }

    /** A check of lease {@code fencingToken} on {@code key} at {@code checkedAt}. */
    public static ExpireDue of(TaskKey key, long fencingToken, Instant checkedAt) {
        return new ExpireDue(
                CommandHeader.of(key, "expire-" + fencingToken + "-" + checkedAt.toEpochMilli()),
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
