package dev.turnstile.contracts.job;

import dev.turnstile.contracts.claim.FieldViolation;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How the HTTP API names one job: {@code <queue>:<jobId>}, e.g. {@code emails:welcome-42}. A job id is unique only
 * within its queue (two queues may both hold a job {@code 42}), and the queue decides which processor partition
 * holds the job, so a URL such as {@code /api/jobs/{id}/heartbeat} must carry the queue. A queue name never contains
 * {@code :} (the claim name rules), so the first {@code :} separates the two; the job id may contain more.
 *
 * @param queue the queue
 * @param jobId the job's id within the queue
 */
public record JobRef(String queue, String jobId) {

    /** Separates the queue from the job id. */
    public static final char SEPARATOR = ':';

    public JobRef {
        Objects.requireNonNull(queue, "queue");
        Objects.requireNonNull(jobId, "jobId");
    }

    /** What parsing a reference came to: a valid reference, or the rules it breaks. */
    public record Parsed(JobRef ref, List<FieldViolation> violations) {

        public boolean isValid() {
            return ref != null;
        }
    }

    /**
     * Reads {@code <queue>:<jobId>}; the violations name {@code field} (the path variable, usually {@code jobId}).
     */
    public static Parsed parse(String field, String text) {
        int separator = text == null ? -1 : text.indexOf(SEPARATOR);
        if (separator <= 0 || separator == text.length() - 1) {
            return new Parsed(
                    null,
                    List.of(new FieldViolation(
                            field,
                            "format",
                            field
                                    + " must name the job as <queue>:<jobId> (the \"id\" of every answer about a job, e.g."
                                    + " emails:welcome-42); got " + JobRules.quote(text))));
        }
        var queue = text.substring(0, separator);
        var jobId = text.substring(separator + 1);
        var violations = new ArrayList<FieldViolation>();
        JobRules.checkQueue(queue)
                .forEach(v -> violations.add(new FieldViolation(
                        field, v.rule(), "the queue in " + field + " is not valid: " + v.message())));
        JobRules.checkJobId(jobId)
                .forEach(v -> violations.add(new FieldViolation(
                        field, v.rule(), "the job id in " + field + " is not valid: " + v.message())));
        return violations.isEmpty() ? new Parsed(new JobRef(queue, jobId), List.of()) : new Parsed(null, violations);
    }

    /** {@code <queue>:<jobId>}. */
    @Override
    public String toString() {
        return queue + SEPARATOR + jobId;
    }
}
