package dev.turnstile.processor.jobstream;

import dev.turnstile.contracts.job.JobDueCheck;
import dev.turnstile.contracts.job.LeaseDueCheck;
import dev.turnstile.contracts.job.TimerCommand;
import dev.turnstile.contracts.job.WaitDueCheck;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The wall-clock side of timers: finds what has come due and turns each into a timer command for the queue's log.
 * Each timer is taken once (removed from the table); an event that moves it (a heartbeat extending a lease, say)
 * files it again under its new time.
 */
final class JobTimers {

    /** Most timer commands appended by one scan, so that a scan stays short; the rest come with the next. */
    static final int MAX_PER_SCAN = 10_000;

    private JobTimers() {}

    /** Takes every timer due at or before {@code wallClockMillis}, as commands stamped with that time. */
    static List<TimerCommand> takeDue(JobTables tables, long wallClockMillis) {
        var due = tables.timers().range(JobKeys.timersFrom(), JobKeys.timersTo(wallClockMillis), MAX_PER_SCAN);
        var checkedAt = Instant.ofEpochMilli(wallClockMillis);
        var commands = new ArrayList<TimerCommand>(due.size());
        for (var entry : due) {
            tables.timers().delete(entry.getKey());
            var parts = JobKeys.timerParts(entry.getKey());
            var queue = parts[2];
            var id = parts[3];
            commands.add(
                    switch (parts[1].charAt(0)) {
                        case JobKeys.DUE -> JobDueCheck.of(queue, id, checkedAt);
                        case JobKeys.LEASE -> LeaseDueCheck.of(queue, id, Long.parseLong(entry.getValue()), checkedAt);
                        case JobKeys.WAIT -> WaitDueCheck.of(queue, id, checkedAt);
                        default ->
                            throw new IllegalStateException("Timer " + entry.getKey() + " is of no known kind: the"
                                    + " timer store was written by another version. Restore it from its changelog.");
                    });
        }
        return commands;
    }
}
