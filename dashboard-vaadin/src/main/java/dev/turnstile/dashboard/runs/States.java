package dev.turnstile.dashboard.runs;

import com.vaadin.flow.component.html.Span;
import dev.turnstile.contracts.job.JobState;

/** How job states read on the Runs pages: words people use, and a colour per kind of state. */
final class States {

    private States() {}

    /** "waiting", "failed, will retry", … */
    static String label(JobState state) {
        return switch (state) {
            case DELAYED -> "delayed";
            case WAITING -> "waiting";
            case ACTIVE -> "active";
            case SUCCEEDED -> "succeeded";
            case FAILED_WILL_RETRY -> "failed, will retry";
            case DEAD -> "dead";
            case CANCELLED -> "cancelled";
        };
    }

    /** The badge's colour class: neutral, running, good or bad. */
    static String tone(JobState state) {
        return switch (state) {
            case DELAYED, WAITING -> "ts-badge-other";
            case ACTIVE -> "ts-badge-active";
            case SUCCEEDED -> "ts-badge-granted";
            case FAILED_WILL_RETRY, DEAD -> "ts-badge-blocked";
            case CANCELLED -> "ts-badge-cancelled";
        };
    }

    static Span badge(JobState state) {
        var badge = new Span(label(state));
        badge.addClassNames("ts-badge", tone(state));
        badge.getElement().setAttribute("data-state", state.wireName());
        return badge;
    }
}
