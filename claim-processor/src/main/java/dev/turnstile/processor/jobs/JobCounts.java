package dev.turnstile.processor.jobs;

import dev.turnstile.contracts.job.JobState;

/** How many of a queue's jobs are in each state (deleted jobs are gone from every count). */
public record JobCounts(
        long delayed, long waiting, long active, long succeeded, long failedWillRetry, long dead, long cancelled) {

    public static final JobCounts NONE = new JobCounts(0, 0, 0, 0, 0, 0, 0);

    /** How many jobs are in {@code state}. */
    public long of(JobState state) {
        return switch (state) {
            case DELAYED -> delayed;
            case WAITING -> waiting;
            case ACTIVE -> active;
            case SUCCEEDED -> succeeded;
            case FAILED_WILL_RETRY -> failedWillRetry;
            case DEAD -> dead;
            case CANCELLED -> cancelled;
        };
    }

    /** These counts with {@code delta} more jobs in {@code state}. */
    public JobCounts plus(JobState state, long delta) {
        return new JobCounts(
                delayed + (state == JobState.DELAYED ? delta : 0),
                waiting + (state == JobState.WAITING ? delta : 0),
                active + (state == JobState.ACTIVE ? delta : 0),
                succeeded + (state == JobState.SUCCEEDED ? delta : 0),
                failedWillRetry + (state == JobState.FAILED_WILL_RETRY ? delta : 0),
                dead + (state == JobState.DEAD ? delta : 0),
                cancelled + (state == JobState.CANCELLED ? delta : 0));
    }

    /** One job moved from {@code from} to {@code to}. */
    public JobCounts moved(JobState from, JobState to) {
        return plus(from, -1).plus(to, 1);
    }
}
