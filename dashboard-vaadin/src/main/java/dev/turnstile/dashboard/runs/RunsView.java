package dev.turnstile.dashboard.runs;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.Text;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.FlexLayout;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.progressbar.ProgressBar;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.renderer.ComponentRenderer;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.spring.security.AuthenticationContext;
import dev.turnstile.contracts.job.JobState;
import dev.turnstile.dashboard.DashboardSettings;
import dev.turnstile.dashboard.view.RelativeTime;
import dev.turnstile.projections.jobs.JobFilter;
import dev.turnstile.projections.jobs.JobOperations;
import dev.turnstile.projections.jobs.JobQueries;
import dev.turnstile.projections.jobs.JobSummary;
import jakarta.annotation.security.PermitAll;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;

/**
 * Work queues at a glance: each queue a lane with its jobs counted by state, live; the jobs of the chosen queue with
 * filters kept in the page address ({@code /runs?queue=emails&state=active}); operators pause and resume queues.
 */
@Route("runs")
@PageTitle("Runs · Turnstile")
@PermitAll
public class RunsView extends VerticalLayout implements BeforeEnterObserver {

    private final JobQueries queries;
    private final DashboardSettings settings;
    private final OperatorActions actions;
    private final FlexLayout lanes = new FlexLayout();
    private final H3 jobsTitle = new H3();
    private final ComboBox<JobState> stateFilter = new ComboBox<>("State");
    private final TextField nameFilter = new TextField("Name");
    private final Button clearFilters = new Button("Clear filters");
    private final Grid<JobSummary> grid = new Grid<>();
    private final Button loadMore = new Button("Load more");
    private final Div jobsSection = new Div();

    private RunsFilters filters = RunsFilters.NONE;
    private final List<JobSummary> shown = new ArrayList<>();
    private String nextCursor;
    private boolean applyingFilters;
    private JobLiveUpdates live;

    public RunsView(
            ObjectProvider<JobQueries> queries,
            ObjectProvider<JobOperations> operations,
            DashboardSettings settings,
            AuthenticationContext authentication) {
        this(queries.getIfAvailable(), operations.getIfAvailable(), settings, Viewer.of(authentication));
    }

    RunsView(JobQueries queries, JobOperations operations, DashboardSettings settings, Viewer viewer) {
        this.queries = queries;
        this.settings = settings;
        this.actions = operations != null && viewer.mayOperate()
                ? new OperatorActions(operations, viewer, settings.scheduler())
                : null;
        setId("runs");
        setWidthFull();
        if (queries == null) {
            add(
                    new H2("Runs"),
                    new Paragraph("Work queues are turned off in this application"
                            + " (turnstile.projections.jobs.enabled=false)."));
            return;
        }
        configureLanes();
        configureGrid();
        jobsSection.add(jobsTitle, filterBar(), grid, loadMore);
        jobsSection.setWidthFull();
        add(new H2("Runs"), lanes, jobsSection);
    }

    private void configureLanes() {
        lanes.setId("lanes");
        lanes.setFlexWrap(FlexLayout.FlexWrap.WRAP);
        lanes.getStyle().set("gap", "var(--lumo-space-m)");
        lanes.setWidthFull();
    }

    private void configureGrid() {
        grid.setId("runs-grid");
        grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES, GridVariant.LUMO_COMPACT);
        grid.setAllRowsVisible(true);
        grid.addColumn(new ComponentRenderer<>(RunsView::jobLink))
                .setHeader("Job")
                .setKey("job")
                .setFlexGrow(1);
        grid.addColumn(JobSummary::name).setHeader("Name").setKey("name").setAutoWidth(true);
        grid.addColumn(new ComponentRenderer<>(job -> States.badge(job.state())))
                .setHeader("State")
                .setKey("state")
                .setAutoWidth(true)
                .setFlexGrow(0);
        grid.addColumn(job -> job.attempt() == 0 ? "—" : job.attempt() + " of " + job.maxAttempts())
                .setHeader("Attempt")
                .setAutoWidth(true)
                .setFlexGrow(0);
        grid.addColumn(new ComponentRenderer<>(RunsView::progress))
                .setHeader("Progress")
                .setKey("progress")
                .setWidth("9rem")
                .setFlexGrow(0);
        grid.addColumn(job -> job.workerId() == null ? "" : job.workerId())
                .setHeader("Worker")
                .setKey("worker")
                .setAutoWidth(true);
        grid.addColumn(new ComponentRenderer<>(job -> time(job.enqueuedAt())))
                .setHeader("Enqueued")
                .setAutoWidth(true)
                .setFlexGrow(0);
        grid.addColumn(new ComponentRenderer<>(job -> time(job.updatedAt())))
                .setHeader("Updated")
                .setAutoWidth(true)
                .setFlexGrow(0);
        loadMore.setId("runs-load-more");
        loadMore.addClickListener(event -> loadNextPage());
    }

    private HorizontalLayout filterBar() {
        jobsTitle.setId("runs-jobs-title");
        stateFilter.setId("runs-filter-state");
        stateFilter.setItems(JobState.values());
        stateFilter.setItemLabelGenerator(States::label);
        stateFilter.setClearButtonVisible(true);
        nameFilter.setId("runs-filter-name");
        nameFilter.setClearButtonVisible(true);
        nameFilter.setValueChangeMode(ValueChangeMode.LAZY);
        clearFilters.setId("runs-clear-filters");
        clearFilters.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
        stateFilter.addValueChangeListener(event -> changeFilters(filters.withState(event.getValue())));
        nameFilter.addValueChangeListener(event -> changeFilters(filters.withName(event.getValue())));
        clearFilters.addClickListener(event -> changeFilters(filters.withQueue(filters.queue())));
        var bar = new HorizontalLayout(stateFilter, nameFilter, clearFilters);
        bar.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
        bar.setWrap(true);
        return bar;
    }

    /** The address is the state: a filter change navigates to the address with the new filters. */
    private void changeFilters(RunsFilters changed) {
        if (applyingFilters || changed.equals(filters)) {
            return;
        }
        getUI().ifPresent(ui -> ui.navigate(RunsView.class, changed.toQuery()));
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        if (queries != null) {
            show(RunsFilters.from(event.getLocation().getQueryParameters()));
        }
    }

    /** Shows the page for {@code wanted}: the lanes, and the chosen queue's jobs (the first queue when none is). */
    void show(RunsFilters wanted) {
        var queue = wanted.queue();
        if (queue == null && !queries.queues().isEmpty()) {
            queue = queries.queues().getFirst().queue();
        }
        filters = new RunsFilters(queue, wanted.state(), wanted.name());
        applyingFilters = true;
        try {
            stateFilter.setValue(filters.state());
            nameFilter.setValue(filters.name() == null ? "" : filters.name());
        } finally {
            applyingFilters = false;
        }
        shown.clear();
        nextCursor = null;
        refresh();
    }

    /** Reads the lanes and as many jobs as are shown again. */
    void refresh() {
        lanes.removeAll();
        var all = queries.queues();
        for (var queue : all) {
            lanes.add(new QueueLane(queue, queue.queue().equals(filters.queue()), actions));
        }
        if (all.isEmpty()) {
            lanes.add(new Paragraph(
                    "No queues yet: enqueue a job (POST /api/queues/{queue}/jobs) and its queue" + " appears here."));
        }
        jobsSection.setVisible(filters.queue() != null);
        if (filters.queue() == null) {
            return;
        }
        jobsTitle.setText("Jobs of " + filters.queue());
        clearFilters.setVisible(filters.filtered());
        int wanted = Math.max(settings.pageSize(), shown.size());
        shown.clear();
        String cursor = null;
        do {
            var page = queries.jobs(
                    filters.queue(),
                    new JobFilter(filters.state(), filters.name()),
                    cursor,
                    Math.min(JobQueries.MAX_PAGE_SIZE, wanted - shown.size()));
            shown.addAll(page.items());
            cursor = page.nextCursor();
        } while (cursor != null && shown.size() < wanted);
        nextCursor = cursor;
        grid.setItems(List.copyOf(shown));
        grid.setEmptyStateText(
                !queries.ready()
                        ? "Loading jobs…"
                        : filters.filtered() ? "No jobs match these filters" : "No jobs in this queue");
        loadMore.setVisible(nextCursor != null);
    }

    private void loadNextPage() {
        if (nextCursor == null) {
            return;
        }
        var page = queries.jobs(
                filters.queue(), new JobFilter(filters.state(), filters.name()), nextCursor, settings.pageSize());
        shown.addAll(page.items());
        nextCursor = page.nextCursor();
        grid.setItems(List.copyOf(shown));
        loadMore.setVisible(nextCursor != null);
    }

    private static Anchor jobLink(JobSummary job) {
        var link = Links.to(job.jobId(), JobRunView.class, JobRunView.query(job.ref()));
        link.addClassName("ts-clip");
        link.getElement().setAttribute("title", job.id());
        return link;
    }

    /** A bar for an active job's reported progress; blank otherwise. */
    private static com.vaadin.flow.component.Component progress(JobSummary job) {
        if (job.state() != JobState.ACTIVE) {
            return new Text(job.state() == JobState.SUCCEEDED ? "done" : "");
        }
        var bar = new ProgressBar(0, 100, job.progress() == null ? 0 : job.progress());
        bar.setIndeterminate(job.progress() == null);
        bar.getElement()
                .setAttribute("title", job.progress() == null ? "no progress reported yet" : job.progress() + "%");
        return bar;
    }

    private Span time(Instant at) {
        var span =
                new Span(at == null ? "" : RelativeTime.ago(at, settings.clock().instant()));
        if (at != null) {
            span.getElement().setAttribute("title", RelativeTime.exact(at));
        }
        return span;
    }

    Grid<JobSummary> grid() {
        return grid;
    }

    FlexLayout lanes() {
        return lanes;
    }

    RunsFilters filters() {
        return filters;
    }

    @Override
    protected void onAttach(AttachEvent event) {
        if (queries == null) {
            return;
        }
        // Any change may move a lane's counts (a clean too), so every one refreshes the page, a burst once.
        live = new JobLiveUpdates(
                queries,
                event.getUI(),
                change -> true,
                this::refresh,
                settings.scheduler(),
                settings.coalesce(),
                settings.idleRefresh());
    }

    @Override
    protected void onDetach(DetachEvent event) {
        if (live != null) {
            live.close();
            live = null;
        }
    }
}
