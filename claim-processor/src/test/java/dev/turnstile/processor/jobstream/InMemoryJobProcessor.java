package dev.turnstile.processor.jobstream;

import dev.turnstile.contracts.job.JobCommand;
import dev.turnstile.contracts.job.TimerCommand;
import dev.turnstile.processor.jobs.JobDecider;
import dev.turnstile.processor.jobs.JobDecision;
import dev.turnstile.processor.jobs.JobStateView;
import java.util.List;

/**
 * The job processor without Kafka: the production decider, view, writer and timer scan over in-memory tables. What
 * the topology does per record and per punctuation, nothing else.
 */
final class InMemoryJobProcessor {

    /** How a command is decided: the production decider, or a mutant of it in the simulation's own tests. */
    interface Decide {
        JobDecision decide(JobCommand command, JobStateView view);
    }

    private final Decide decider;
    private final InMemoryJobTables tables;

    InMemoryJobProcessor(JobDecider decider) {
        this(decider::decide);
    }

    InMemoryJobProcessor(Decide decider) {
        this.decider = decider;
        this.tables = new InMemoryJobTables();
    }

    JobDecision process(JobCommand command) {
        var decision = decider.decide(command, new StoredJobView(tables));
        new JobStoreWriter(tables).apply(command.queue(), decision);
        return decision;
    }

    /** The timer commands due at {@code wallClockMillis}, taken from the timer table (to append to the log). */
    List<TimerCommand> takeDueTimers(long wallClockMillis) {
        return JobTimers.takeDue(tables, wallClockMillis);
    }

    InMemoryJobTables tables() {
        return tables;
    }
}
