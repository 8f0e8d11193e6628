package dev.turnstile.processor.jobstream;

import dev.turnstile.contracts.job.JobCommand;
import dev.turnstile.contracts.job.TimerCommand;
import dev.turnstile.processor.jobs.JobDecider;
import dev.turnstile.processor.jobs.JobDecision;
import java.util.List;

/**
 * The job processor without Kafka: the production decider, view, writer and timer scan over in-memory tables. What
 * the topology does per record and per punctuation, nothing else.
 */
final class InMemoryJobProcessor {

    private final JobDecider decider;
    private InMemoryJobTables tables;

    InMemoryJobProcessor(JobDecider decider) {
        this(decider, new InMemoryJobTables());
    }

    InMemoryJobProcessor(JobDecider decider, InMemoryJobTables tables) {
        this.decider = decider;
        this.tables = tables;
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

    /** Rolls the stores back to a snapshot (a crash that lost everything since that commit). */
    void restore(InMemoryJobTables snapshot) {
        this.tables = snapshot.snapshot();
    }
}
