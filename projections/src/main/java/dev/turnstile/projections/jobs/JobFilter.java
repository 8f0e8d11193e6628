package dev.turnstile.projections.jobs;

import dev.turnstile.contracts.job.JobState;

/**
 * Which jobs of a queue to list; null fields match every job.
 *
 * @param state only jobs in this state
 * @param name only jobs with exactly this name
 */
public record JobFilter(JobState state, String name) {

    public static JobFilter none() {
        return new JobFilter(null, null);
    }

    boolean matches(JobSummary job) {
        return (state == null || state == job.state()) && (name == null || name.equals(job.name()));
    }
}
