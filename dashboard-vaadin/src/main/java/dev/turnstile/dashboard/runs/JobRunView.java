package dev.turnstile.dashboard.runs;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Pre;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.progressbar.ProgressBar;
import com.vaadin.flow.data.renderer.ComponentRenderer;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.QueryParameters;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.spring.security.AuthenticationContext;
import dev.turnstile.contracts.job.JobRef;
import dev.turnstile.contracts.job.JobState;
import dev.turnstile.contracts.json.Json;
import dev.turnstile.dashboard.DashboardSettings;
import dev.turnstile.dashboard.view.RelativeTime;
import dev.turnstile.projections.jobs.Artifact;
import dev.turnstile.projections.jobs.JobChange;
import dev.turnstile.projections.jobs.JobDetail;
import dev.turnstile.projections.jobs.JobOperations;
import dev.turnstile.projections.jobs.JobQueries;
import dev.turnstile.projections.jobs.LogLine;
import dev.turnstile.projections.jobs.TimelineEntry;
import jakarta.annotation.security.PermitAll;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.beans.factory.ObjectProvider;
import tools.jackson.databind.JsonNode;

/**
 * One job ({@code /runs/job?id=<queue>:<jobId>}): where it stands, a progress bar its worker's heartbeats move, its
 * timeline, logs and artifacts, its payload and result; operators cancel or retry it. Live.
 */
@Route("runs/job")
@PageTitle("Job · Turnstile")
@PermitAll
public class JobRunView extends VerticalLayout implements BeforeEnterObserver {

    static final String ID_PARAMETER = "id";

    private final JobQueries queries;
    private final DashboardSettings settings;
    private final OperatorActions actions;
    private final H2 title = new H2();
    private final Div stateBadge = new Div();
    private final HorizontalLayout actionBar = new HorizontalLayout();
    private final Div facts = new Div();
    private final ProgressBar progress = new ProgressBar(0, 100, 0);
    private final Span progressLabel = new Span();
    private final Grid<TimelineEntry> timeline = new Grid<>();
    private final Span timelineDropped = new Span();
    private final Pre logs = new Pre();
    private final Grid<Artifact> artifacts = new Grid<>();
    private final Pre payload = new Pre();
    private final Pre result = new Pre();
    private final Paragraph missing = new Paragraph();
    private final VerticalLayout content = new VerticalLayout();

    private JobRef job;
    private JobLiveUpdates live;

    public JobRunView(
            ObjectProvider<JobQueries> queries,
            ObjectProvider<JobOperations> operations,
            DashboardSettings settings,
            AuthenticationContext authentication) {
        this(queries.getIfAvailable(), operations.getIfAvailable(), settings, Viewer.of(authentication));
    }

    JobRunView(JobQueries queries, JobOperations operations, DashboardSettings settings, Viewer viewer) {
        this.queries = queries;
        this.settings = settings;
        this.actions = operations != null && viewer.mayOperate()
                ? new OperatorActions(operations, viewer, settings.scheduler())
                : null;
        setId("job-page");
        setWidthFull();
        configureParts();
        var header = new HorizontalLayout(title, stateBadge, actionBar);
        header.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.CENTER);
        header.setWrap(true);
        content.setPadding(false);
        content.setWidthFull();
        content.add(
                facts,
                section("Progress"),
                progress,
                progressLabel,
                section("Timeline"),
                timelineDropped,
                timeline,
                section("Logs"),
                logs,
                section("Artifacts"),
                artifacts,
                section("Payload"),
                payload,
                section("Result"),
                result);
        add(header, missing, content);
    }

    private void configureParts() {
        title.setId("job-title");
        stateBadge.setId("job-state");
        actionBar.setId("job-actions");
        facts.setId("job-facts");
        facts.addClassName("ts-facts");
        progress.setId("job-progress");
        progress.setWidth("24rem");
        progressLabel.setId("job-progress-label");
        timeline.setId("job-timeline");
        timeline.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
        timeline.setAllRowsVisible(true);
        timeline.addColumn(new ComponentRenderer<>(entry -> time(entry.at())))
                .setHeader("When")
                .setAutoWidth(true)
                .setFlexGrow(0);
        timeline.addColumn(TimelineEntry::type)
                .setHeader("Event")
                .setAutoWidth(true)
                .setFlexGrow(0);
        timeline.addColumn(new ComponentRenderer<>(entry -> States.badge(entry.state())))
                .setHeader("State")
                .setAutoWidth(true)
                .setFlexGrow(0);
        timeline.addColumn(TimelineEntry::description)
                .setHeader("What happened")
                .setFlexGrow(1);
        timelineDropped.setId("job-timeline-dropped");
        logs.setId("job-logs");
        logs.addClassName("ts-logs");
        artifacts.setId("job-artifacts");
        artifacts.addThemeVariants(GridVariant.LUMO_COMPACT);
        artifacts.setAllRowsVisible(true);
        artifacts.addColumn(Artifact::name).setHeader("Name").setAutoWidth(true);
        artifacts
                .addColumn(new ComponentRenderer<>(a -> new Anchor(a.uri(), a.uri())))
                .setHeader("Where")
                .setFlexGrow(1);
        artifacts
                .addColumn(a -> a.bytes() + " bytes")
                .setHeader("Size")
                .setAutoWidth(true)
                .setFlexGrow(0);
        artifacts
                .addColumn(Artifact::contentType)
                .setHeader("Type")
                .setAutoWidth(true)
                .setFlexGrow(0);
        artifacts
                .addColumn(a -> a.sha256().substring(0, 12) + "…")
                .setHeader("SHA-256")
                .setAutoWidth(true)
                .setFlexGrow(0);
        artifacts.setEmptyStateText("No artifacts");
        payload.setId("job-payload");
        result.setId("job-result");
        missing.setId("job-missing");
    }

    /** The address of {@code job}'s page. */
    static QueryParameters query(JobRef job) {
        return new QueryParameters(Map.of(ID_PARAMETER, List.of(job.toString())));
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        var ids = event.getLocation().getQueryParameters().getParameters().getOrDefault(ID_PARAMETER, List.of());
        var parsed = JobRef.parse(ID_PARAMETER, ids.isEmpty() ? null : ids.getFirst());
        show(parsed.isValid() ? parsed.ref() : null);
    }

    /** Shows {@code wanted} (null: a page address that names no job). */
    void show(JobRef wanted) {
        job = wanted;
        refresh();
    }

    void refresh() {
        actionBar.removeAll();
        if (queries == null || job == null) {
            title.setText("No job");
            showMissing(
                    queries == null
                            ? "Work queues are turned off in this application."
                            : "The address names no job: it ends in ?id=<queue>:<jobId>.");
            return;
        }
        title.setText(job.toString());
        var found = queries.job(job.queue(), job.jobId());
        if (found.isEmpty()) {
            showMissing("The read model holds no job " + job.jobId() + " in queue " + job.queue() + ": it was deleted"
                    + " or cleaned, or it is not read yet.");
            return;
        }
        missing.setVisible(false);
        content.setVisible(true);
        show(found.get());
    }

    private void show(JobDetail detail) {
        var summary = detail.summary();
        stateBadge.removeAll();
        stateBadge.add(States.badge(summary.state()));
        if (actions != null) {
            if (!summary.state().finished()) {
                actionBar.add(actions.cancel(job));
            }
            if (summary.state() == JobState.DEAD || summary.state() == JobState.FAILED_WILL_RETRY) {
                actionBar.add(actions.retry(job));
            }
        }
        facts.removeAll();
        fact(
                "Queue",
                Links.to(
                        job.queue(),
                        RunsView.class,
                        RunsFilters.NONE.withQueue(job.queue()).toQuery()));
        fact(
                "Name",
                new Span(
                        summary.name() == null
                                ? "(not known: enqueued before the read model's history)"
                                : summary.name()));
        fact(
                "Attempt",
                new Span(
                        summary.attempt() == 0
                                ? "none yet, of " + summary.maxAttempts()
                                : summary.attempt() + " of " + summary.maxAttempts()));
        fact(
                "Worker",
                new Span(
                        summary.workerId() == null
                                ? "—"
                                : summary.workerId() + " (fencing token " + detail.fencingToken() + ")"));
        if (summary.leaseExpiresAt() != null) {
            fact(
                    "Lease",
                    new Span(
                            summary.leaseExpiresAt().isAfter(settings.clock().instant())
                                    ? "expires in "
                                            + RelativeTime.ago(settings.clock().instant(), summary.leaseExpiresAt())
                                                    .replace(" ago", "")
                                    : "ran out; the stuck attempt fails at the next check"));
        }
        if (summary.runAt() != null) {
            fact(summary.state() == JobState.DELAYED ? "Runs at" : "Retried at", time(summary.runAt()));
        }
        fact("Priority", new Span(Integer.toString(summary.priority())));
        fact("Enqueued", time(summary.enqueuedAt()));
        fact("Updated", time(summary.updatedAt()));
        if (summary.finishedAt() != null) {
            fact("Finished", time(summary.finishedAt()));
        }
        if (summary.dedupKey() != null) {
            fact("Dedup key", new Span(summary.dedupKey()));
        }
        if (detail.lastError() != null) {
            fact("Last error", new Span(detail.lastError()));
        }
        showProgress(summary.state(), summary.progress(), detail.progressMessage());
        timeline.setItems(detail.timeline().items());
        timelineDropped.setText(
                detail.timeline().dropped() == 0
                        ? ""
                        : detail.timeline().dropped() + " earlier steps are no longer kept");
        logs.setText(logText(detail.logs().items(), detail.logs().dropped()));
        artifacts.setItems(detail.artifacts().items());
        payload.setText(json(detail.payload()));
        result.setText(json(detail.result()));
    }

    /** The bar moves with the worker's heartbeats; full once the job succeeded. */
    private void showProgress(JobState state, Integer percent, String message) {
        var done = state == JobState.SUCCEEDED;
        progress.setIndeterminate(state == JobState.ACTIVE && percent == null);
        progress.setValue(done ? 100 : percent == null ? 0 : percent);
        progress.getElement().setAttribute("data-progress", done ? "100" : percent == null ? "" : percent.toString());
        var text = done
                ? "100% — done"
                : percent == null
                        ? (state == JobState.ACTIVE ? "running, no progress reported yet" : "not running")
                        : percent + "%";
        progressLabel.setText(message == null || done ? text : text + " — " + message);
    }

    /** The kept lines, after a marker saying how many older ones were dropped. */
    static String logText(List<LogLine> lines, long dropped) {
        if (lines.isEmpty() && dropped == 0) {
            return "(no log lines)";
        }
        var marker = dropped == 0 ? "" : "… " + dropped + " earlier lines dropped …\n";
        return marker + lines.stream().map(LogLine::text).collect(Collectors.joining("\n"));
    }

    private static String json(JsonNode value) {
        return value == null
                ? "(none)"
                : Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value);
    }

    private void fact(String label, com.vaadin.flow.component.Component value) {
        var name = new Span(label);
        name.addClassName("ts-fact-label");
        var row = new Div(name, value);
        row.addClassName("ts-fact");
        facts.add(row);
    }

    private void showMissing(String text) {
        stateBadge.removeAll();
        missing.setText(text);
        missing.setVisible(true);
        content.setVisible(false);
    }

    private static H3 section(String text) {
        return new H3(text);
    }

    private Span time(Instant at) {
        var span =
                new Span(at == null ? "" : RelativeTime.ago(at, settings.clock().instant()));
        if (at != null) {
            span.getElement().setAttribute("title", RelativeTime.exact(at));
        }
        return span;
    }

    ProgressBar progressBar() {
        return progress;
    }

    String progressText() {
        return progressLabel.getText();
    }

    HorizontalLayout actions() {
        return actionBar;
    }

    String logsText() {
        return logs.getText();
    }

    Grid<TimelineEntry> timelineGrid() {
        return timeline;
    }

    @Override
    protected void onAttach(AttachEvent event) {
        if (queries == null) {
            return;
        }
        live = new JobLiveUpdates(
                queries,
                event.getUI(),
                this::concerns,
                this::refresh,
                settings.scheduler(),
                settings.coalesce(),
                settings.idleRefresh());
    }

    /** This job's events, and cleans of its queue (which may drop it). */
    private boolean concerns(JobChange change) {
        if (job == null || !change.queue().equals(job.queue())) {
            return false;
        }
        return switch (change) {
            case JobChange.EventApplied event -> job.jobId().equals(event.jobId());
            case JobChange.Cleaned cleaned -> true;
        };
    }

    @Override
    protected void onDetach(DetachEvent event) {
        if (live != null) {
            live.close();
            live = null;
        }
    }
}
