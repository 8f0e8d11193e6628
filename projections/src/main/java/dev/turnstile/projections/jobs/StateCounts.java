package dev.turnstile.projections.jobs;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.turnstile.contracts.job.JobState;

/** How many of a queue's jobs the read model holds in each state (deleted and cleaned jobs are in none). */
public record StateCounts(
        long delayed,
        long waiting,
        long active,
        long succeeded,
        @JsonProperty("failed_will_retry") long failedWillRetry,
        long dead,
        long cancelled) {

    public static final StateCounts NONE = new StateCounts(0, 0, 0, 0, 0, 0, 0);

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

    /** All jobs, whatever their state. */
    @JsonIgnore
    public long total() {
        return delayed + waiting + active + succeeded + failedWillRetry + dead + cancelled;
    }

    /** These counts with {@code delta} more jobs in {@code state}; a null state changes nothing. */
    public StateCounts plus(JobState state, long delta) {
        if (state == null) {
            return this;
        }
        return new StateCounts(
                delayed + (state == JobState.DELAYED ? delta : 0),
                waiting + (state == JobState.WAITING ? delta : 0),
                active + (state == JobState.ACTIVE ? delta : 0),
                succeeded + (state == JobState.SUCCEEDED ? delta : 0),
                failedWillRetry + (state == JobState.FAILED_WILL_RETRY ? delta : 0),
                dead + (state == JobState.DEAD ? delta : 0),
                cancelled + (state == JobState.CANCELLED ? delta : 0));
    }

    /** One job moved from {@code from} (null: it is new) to {@code to} (null: it is gone). */
    public StateCounts moved(JobState from, JobState to) {
        return from == to ? this : plus(from, -1).plus(to, 1);
    }
}
