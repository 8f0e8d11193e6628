package dev.turnstile.contracts.job;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.time.Instant;
import java.util.Objects;

/**
 * A delayed job's {@code runAt}, or a failed attempt's backoff, looked due by the processor's wall clock: the job
 * becomes waiting if, at {@code checkedAt}, it is still delayed or retrying and due.
 *
 * @param jobId the job that looked due
 * @param checkedAt the processor's wall-clock time when it appended the check
 */
public record JobDueCheck(@JsonUnwrapped JobCommandHeader header, String jobId, Instant checkedAt)
        implements TimerCommand {

    public JobDueCheck {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(checkedAt, "checkedAt");
    }

    /** The check of job {@code jobId} on {@code queue} at {@code checkedAt}; its request id is derived from both. */
    public static JobDueCheck of(String queue, String jobId, Instant checkedAt) {
        return new JobDueCheck(
                JobCommandHeader.of(queue, "due:" + jobId + "@" + checkedAt.toEpochMilli()), jobId, checkedAt);
    }

    @Override
    public String fingerprint() {
        return "job-due job=" + jobId;
    }
}
