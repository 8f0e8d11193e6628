package dev.turnstile.projections.jobs;

import dev.turnstile.contracts.job.JobState;
import java.time.Instant;
import java.util.Set;

/**
 * What a clean dropped from the read model.
 *
 * @param queue the queue
 * @param states the states cleaned
 * @param finishedBefore jobs that finished before this were dropped
 * @param removed how many jobs were dropped
 */
public record CleanResult(String queue, Set<JobState> states, Instant finishedBefore, long removed) {

    public CleanResult {
        states = Set.copyOf(states);
    }
}
