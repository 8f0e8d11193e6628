package dev.turnstile.contracts.job;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.time.Instant;
import java.util.Objects;

/**
 * A worker asks for the next job. Answered with a job ({@link JobClaimed}) or with none ({@link NoJobAvailable}).
 * With {@code waitSeconds} above 0 and no job to hand out, the request is parked in the queue's state (in arrival
 * order, a bounded number per queue, {@link ClaimNextParked}): the first job that becomes available goes to the
 * first parked request, and a parked request still waiting when its time runs out is answered with none.
 *
 * @param workerId who asks
 * @param waitSeconds how long to wait for a job, 0–30
 * @param requestedAt when the gateway received the request
 */
public record ClaimNextJob(
        @JsonUnwrapped JobCommandHeader header, String workerId, int waitSeconds, Instant requestedAt)
        implements JobRequest<ClaimNextAnswer> {

    public ClaimNextJob {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(requestedAt, "requestedAt");
        JobRules.require(
                "claim-next on queue " + header.queue(),
                JobRules.all(
                        JobRules.checkQueue(header.queue()),
                        JobRules.checkWorkerId(workerId),
                        JobRules.checkRange("waitSeconds", waitSeconds, 0, JobRules.WAIT_MAX_SECONDS)));
    }

    public static ClaimNextJob of(
            String queue, String requestId, String workerId, int waitSeconds, Instant requestedAt) {
        return new ClaimNextJob(JobCommandHeader.of(queue, requestId), workerId, waitSeconds, requestedAt);
    }

    /** The same request, sent at another time (a client retry). */
    public ClaimNextJob at(Instant time) {
        return new ClaimNextJob(header, workerId, waitSeconds, time);
    }

    @Override
    public Instant timestamp() {
        return requestedAt;
    }

    @Override
    public String fingerprint() {
        return fingerprint(workerId, waitSeconds);
    }

    /** The fingerprint of a claim-next by {@code workerId} waiting {@code waitSeconds}. */
    public static String fingerprint(String workerId, int waitSeconds) {
        return "claim-next wait=" + waitSeconds + " by " + workerId;
    }

    @Override
    public JobRequestKind kind() {
        return JobRequestKind.CLAIM_NEXT;
    }

    @Override
    public Class<ClaimNextAnswer> answerType() {
        return ClaimNextAnswer.class;
    }
}
