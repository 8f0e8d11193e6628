package dev.turnstile.contracts.job;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.time.Instant;
import java.util.Objects;

/**
 * An attempt's lease looked run out by the processor's wall clock: if, at {@code checkedAt}, the attempt with this
 * token is still active and its lease has run out, the attempt fails with {@code lease_expired} (a stuck job) and
 * the job is retried after its backoff, or goes dead.
 *
 * @param jobId the job
 * @param fencingToken the attempt that looked stuck
 * @param checkedAt the processor's wall-clock time when it appended the check
 */
public record LeaseDueCheck(@JsonUnwrapped JobCommandHeader header, String jobId, long fencingToken, Instant checkedAt)
        implements TimerCommand {

    public LeaseDueCheck {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(checkedAt, "checkedAt");
    }

    /** The check of attempt {@code fencingToken} of {@code jobId} at {@code checkedAt}. */
    public static LeaseDueCheck of(String queue, String jobId, long fencingToken, Instant checkedAt) {
        return new LeaseDueCheck(
                JobCommandHeader.of(queue, "lease:" + jobId + ":" + fencingToken + "@" + checkedAt.toEpochMilli()),
                jobId,
                fencingToken,
                checkedAt);
    }

    @Override
    public String fingerprint() {
        return "lease-due job=" + jobId + " token=" + fencingToken;
    }
}
