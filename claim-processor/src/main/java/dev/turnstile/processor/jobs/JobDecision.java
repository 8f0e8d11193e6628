package dev.turnstile.processor.jobs;

import dev.turnstile.contracts.job.JobEvent;
import java.util.List;

/**
 * What the decider decided for one command: the events, in order, and the answers to remember under their
 * request ids.
 *
 * @param decided every event with the fingerprint of the request it answers (null for an event that answers none),
 *     which the processor puts in the {@code turnstile-answers} header
 * @param remember answers to store under their request ids (a new request's, or a parked claim-next's)
 */
public record JobDecision(List<Decided> decided, List<RememberedJobAnswer> remember) {

    public JobDecision {
        decided = List.copyOf(decided);
        remember = List.copyOf(remember);
    }

    /**
     * One event and what it answers.
     *
     * @param event the event
     * @param answers the fingerprint of the request it answers; null when it answers none
     */
    public record Decided(JobEvent event, String answers) {}

    /** The events, in order. */
    public List<JobEvent> events() {
        return decided.stream().map(Decided::event).toList();
    }
}
