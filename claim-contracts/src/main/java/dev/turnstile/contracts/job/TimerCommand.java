package dev.turnstile.contracts.job;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;

/**
 * Appended to {@code job-requests} by the processor when, by its wall clock, something is due: a delay or backoff
 * ending ({@link JobDueCheck}), a lease running out ({@link LeaseDueCheck}), a parked claim-next's wait running out
 * ({@link WaitDueCheck}). The decider acts only if, at {@link #checkedAt()}, the thing is still due; because the
 * check is itself a command in the queue's log, replaying the log reproduces what it decided. The wall clock only
 * decides when a check is appended, never what is decided.
 */
public sealed interface TimerCommand extends JobCommand permits JobDueCheck, LeaseDueCheck, WaitDueCheck {

    /** The processor's wall-clock time when it appended the check; the command's timestamp. */
    Instant checkedAt();

    @Override
    @JsonIgnore
    default Instant timestamp() {
        return checkedAt();
    }
}
