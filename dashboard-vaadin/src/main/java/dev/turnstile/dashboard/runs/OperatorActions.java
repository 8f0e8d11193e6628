package dev.turnstile.dashboard.runs;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.UIDetachedException;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import dev.turnstile.contracts.job.CancelAnswer;
import dev.turnstile.contracts.job.JobAnswer;
import dev.turnstile.contracts.job.JobCancelled;
import dev.turnstile.contracts.job.JobRef;
import dev.turnstile.contracts.job.JobRequestRefused;
import dev.turnstile.contracts.job.JobRetried;
import dev.turnstile.contracts.job.PauseAnswer;
import dev.turnstile.contracts.job.QueuePaused;
import dev.turnstile.contracts.job.QueueResumed;
import dev.turnstile.contracts.job.ResumeAnswer;
import dev.turnstile.contracts.job.RetryAnswer;
import dev.turnstile.projections.jobs.JobOperations;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The operator actions of the Runs pages (cancel and retry a job, pause and resume a queue): a button that asks for
 * confirmation in a dialog, then sends the request and says how it went. The page itself shows the effect live, from
 * the read model. Made only for a viewer who may operate; each action checks again.
 */
final class OperatorActions {

    private final JobOperations operations;
    private final Viewer viewer;
    private final Executor executor;

    /**
     * @param executor where answers are handed to the page (never the read model's thread, which completes them)
     */
    OperatorActions(JobOperations operations, Viewer viewer, Executor executor) {
        this.operations = operations;
        this.viewer = viewer;
        this.executor = executor;
    }

    Button cancel(JobRef job) {
        return button(
                "Cancel",
                "job-cancel",
                true,
                "Cancel " + job + "?",
                "A waiting job is never handed out; an active one's worker is told to stop at its next heartbeat."
                        + " A cancelled job does not run again.",
                "Cancel job",
                () -> operations.cancel(job, viewer.name(), null),
                OperatorActions::cancelled);
    }

    Button retry(JobRef job) {
        return button(
                "Retry",
                "job-retry",
                false,
                "Retry " + job + "?",
                "The job waits for a worker again, with a fresh round of attempts.",
                "Retry job",
                () -> operations.retry(job, viewer.name(), null),
                OperatorActions::retried);
    }

    Button pause(String queue) {
        return button(
                "Pause",
                "lane-" + queue + "-pause",
                true,
                "Pause queue " + queue + "?",
                "Workers get no new jobs of this queue until it is resumed; active jobs go on.",
                "Pause queue",
                () -> operations.pause(queue, viewer.name(), null),
                OperatorActions::paused);
    }

    Button resume(String queue) {
        return button(
                "Resume",
                "lane-" + queue + "-resume",
                false,
                "Resume queue " + queue + "?",
                "Waiting jobs are handed out to workers again.",
                "Resume queue",
                () -> operations.resume(queue, viewer.name(), null),
                OperatorActions::resumed);
    }

    private <A extends JobAnswer> Button button(
            String label,
            String id,
            boolean destructive,
            String header,
            String text,
            String confirmLabel,
            Supplier<CompletableFuture<JobOperations.Outcome<A>>> action,
            Function<A, Report> report) {
        var button = new Button(label);
        button.setId(id);
        button.addThemeVariants(ButtonVariant.LUMO_SMALL);
        if (destructive) {
            button.addThemeVariants(ButtonVariant.LUMO_ERROR);
        }
        button.addClickListener(click -> {
            var confirm = new Button(confirmLabel);
            confirm.setId("confirm-action");
            confirm.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
            if (destructive) {
                confirm.addThemeVariants(ButtonVariant.LUMO_ERROR);
            }
            var dialog = new ConfirmDialog();
            dialog.setHeader(header);
            dialog.setText(text);
            dialog.setCancelable(true);
            dialog.setCancelText("Keep it");
            dialog.setConfirmButton(confirm);
            confirm.addClickListener(yes -> {
                dialog.close();
                run(button.getUI().orElseThrow(), action, report);
            });
            dialog.open();
        });
        return button;
    }

    private <A extends JobAnswer> void run(
            UI ui, Supplier<CompletableFuture<JobOperations.Outcome<A>>> action, Function<A, Report> report) {
        if (!viewer.mayOperate()) {
            show(ui, new Report(false, "Only users with the OPERATOR role may do this"));
            return;
        }
        action.get()
                .thenAcceptAsync(
                        outcome -> show(
                                ui,
                                switch (outcome) {
                                    case JobOperations.Answered<A> answered -> report.apply(answered.answer());
                                    case JobOperations.Unanswered<A> unanswered ->
                                        new Report(false, unanswered.message());
                                    case JobOperations.RequestIdInUse<A> inUse ->
                                        new Report(false, "Request " + inUse.requestId() + " is already on its way");
                                }),
                        executor);
    }

    private static void show(UI ui, Report report) {
        try {
            ui.access(() -> {
                var notification = Notification.show(report.message(), 5000, Notification.Position.BOTTOM_START);
                notification.addThemeVariants(
                        report.done() ? NotificationVariant.LUMO_SUCCESS : NotificationVariant.LUMO_ERROR);
            });
        } catch (UIDetachedException e) {
            // The page was closed meanwhile: nobody to tell.
        }
    }

    /** How an action went, for the person who asked. */
    record Report(boolean done, String message) {}

    static Report cancelled(CancelAnswer answer) {
        return switch (answer) {
            case JobCancelled e ->
                new Report(
                        true,
                        e.workerId() == null
                                ? "Cancelled " + new JobRef(e.queue(), e.jobId())
                                : "Cancelled " + new JobRef(e.queue(), e.jobId()) + "; " + e.workerId()
                                        + " stops at its next heartbeat");
            case JobRequestRefused e -> refused(e);
        };
    }

    static Report retried(RetryAnswer answer) {
        return switch (answer) {
            case JobRetried e -> new Report(true, "Retried " + new JobRef(e.queue(), e.jobId()) + ": waiting again");
            case JobRequestRefused e -> refused(e);
        };
    }

    static Report paused(PauseAnswer answer) {
        return switch (answer) {
            case QueuePaused e -> new Report(true, "Paused queue " + e.queue());
            case JobRequestRefused e -> refused(e);
        };
    }

    static Report resumed(ResumeAnswer answer) {
        return switch (answer) {
            case QueueResumed e -> new Report(true, "Resumed queue " + e.queue());
            case JobRequestRefused e -> refused(e);
        };
    }

    private static Report refused(JobRequestRefused e) {
        var what = e.jobId() == null ? "queue " + e.queue() : new JobRef(e.queue(), e.jobId()).toString();
        return new Report(
                false,
                "Not done: " + what + " is " + (e.state() == null ? "" : States.label(e.state()) + ", ") + "refused as "
                        + e.reason().wireName().replace('_', ' '));
    }
}
