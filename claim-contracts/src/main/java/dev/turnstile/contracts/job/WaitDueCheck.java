package dev.turnstile.contracts.job;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.time.Instant;
import java.util.Objects;

/**
 * A parked claim-next's wait looked run out by the processor's wall clock: if, at {@code checkedAt}, it is still
 * parked and its wait has run out, it is answered with no job ({@code wait_expired}).
 *
 * @param waiterRequestId the request id of the parked claim-next
 * @param checkedAt the processor's wall-clock time when it appended the check
 */
public record WaitDueCheck(@JsonUnwrapped JobCommandHeader header, String waiterRequestId, Instant checkedAt)
        implements TimerCommand {

    public WaitDueCheck {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(waiterRequestId, "waiterRequestId");
        Objects.requireNonNull(checkedAt, "checkedAt");
    }

    /** The check of the claim-next {@code waiterRequestId} parked on {@code queue}, at {@code checkedAt}. */
    public static WaitDueCheck of(String queue, String waiterRequestId, Instant checkedAt) {
        return new WaitDueCheck(
                JobCommandHeader.of(queue, "wait:" + waiterRequestId + "@" + checkedAt.toEpochMilli()),
                waiterRequestId,
                checkedAt);
    }

    @Override
    public String fingerprint() {
        return "wait-due request=" + waiterRequestId;
    }
}
