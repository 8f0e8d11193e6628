package dev.turnstile.dashboard.runs;

import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import dev.turnstile.contracts.job.JobState;
import dev.turnstile.projections.jobs.QueueOverview;
import java.util.List;

/**
 * One queue as a lane: its name (a link to its jobs), whether it is paused and its concurrency limit, its jobs counted
 * by state (each a link to the jobs in that state), and, for operators, pause or resume.
 */
final class QueueLane extends Div {

    /** The order counts read in: what is coming, what runs, what is done. */
    static final List<JobState> ORDER = List.of(
            JobState.WAITING,
            JobState.ACTIVE,
            JobState.DELAYED,
            JobState.FAILED_WILL_RETRY,
            JobState.SUCCEEDED,
            JobState.DEAD,
            JobState.CANCELLED);

    QueueLane(QueueOverview queue, boolean selected, OperatorActions actions) {
        setId("lane-" + queue.queue());
        addClassName("ts-lane");
        if (selected) {
            addClassName("ts-lane-selected");
        }
        getElement().setAttribute("data-queue", queue.queue());
        var name = Links.to(
                queue.queue(),
                RunsView.class,
                RunsFilters.NONE.withQueue(queue.queue()).toQuery());
        name.addClassName("ts-lane-name");
        var title = new Div(name);
        title.addClassName("ts-lane-title");
        if (queue.paused()) {
            var paused = new Span("paused");
            paused.setId("lane-" + queue.queue() + "-paused");
            paused.addClassNames("ts-badge", "ts-badge-blocked");
            title.add(paused);
        }
        if (queue.concurrency() != null) {
            var limit = new Span("at most " + queue.concurrency() + " active");
            limit.addClassName("ts-lane-limit");
            title.add(limit);
        }
        var counts = new Div();
        counts.addClassName("ts-lane-counts");
        for (var state : ORDER) {
            long count = queue.counts().of(state);
            var link = Links.to(
                    "",
                    RunsView.class,
                    RunsFilters.NONE.withQueue(queue.queue()).withState(state).toQuery());
            link.setId("lane-" + queue.queue() + "-" + state.wireName());
            link.addClassNames("ts-count", count == 0 ? "ts-count-zero" : States.tone(state));
            link.getElement().setAttribute("data-count", Long.toString(count));
            link.add(new Span(Long.toString(count)), new Span(" " + States.label(state)));
            counts.add(link);
        }
        add(title, counts);
        if (actions != null) {
            var buttons = new Div(queue.paused() ? actions.resume(queue.queue()) : actions.pause(queue.queue()));
            buttons.addClassName("ts-lane-actions");
            add(buttons);
        }
    }
}
