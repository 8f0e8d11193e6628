package dev.turnstile.projections.jobs.web;

import dev.turnstile.contracts.claim.FieldViolation;
import dev.turnstile.contracts.job.JobRef;
import dev.turnstile.contracts.job.JobRules;
import java.util.List;

/** The path variables of the job API, checked with the rules of the contracts. */
final class JobPaths {

    private JobPaths() {}

    /** Violations of a queue name in a path; empty when valid. */
    static List<FieldViolation> checkQueue(String queue) {
        return JobRules.checkQueue(queue);
    }

    /** A job reference in a path: {@code <queue>:<jobId>}. */
    static JobRef.Parsed job(String id) {
        return JobRef.parse("jobId", id);
    }
}
