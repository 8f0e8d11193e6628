package dev.turnstile.dashboard.view;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.FlexLayout;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.tabs.Tab;
import com.vaadin.flow.component.tabs.Tabs;
import com.vaadin.flow.component.tabs.TabsVariant;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.shared.Registration;
import dev.turnstile.dashboard.DashboardSettings;
import dev.turnstile.projections.query.ActivityQueries;
import dev.turnstile.projections.query.ActivityStats;
import dev.turnstile.projections.query.Attempt;
import dev.turnstile.projections.query.Breakdown;
import dev.turnstile.projections.query.Result;
import dev.turnstile.projections.query.TimelineBucket;
import jakarta.annotation.security.PermitAll;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Coordination activity at a glance: stat cards and an interactive chart of claims and blocks over the last hour,
 * 24 hours or 7 days, the latest attempts, and breakdowns by project and task that link to filtered views. The
 * filters drive the cards, the chart and the list together, and they and the range live in the page address, so
 * reload, back and a shared link show the same view. New decisions appear without a reload.
 */
@Route("")
@PageTitle("Activity · Turnstile")
@PermitAll
public class DashboardView extends VerticalLayout implements BeforeEnterObserver {

    private final ActivityQueries queries;
    private final DashboardSettings settings;

    private final StatCards stats = new StatCards();
    private final TimelineChart chart = new TimelineChart();
    private final BreakdownPanel byProject = new BreakdownPanel("by-project", "By project");
    private final BreakdownPanel byTask = new BreakdownPanel("by-task", "By task");
    private final ComboBox<String> projectFilter = new ComboBox<>("Project");
    private final ComboBox<String> taskFilter = new ComboBox<>("Task");
    private final ComboBox<Result> resultFilter = new ComboBox<>("Result");
    private final TextField shaFilter = new TextField("Git SHA prefix");
    private final Button clearFilters = new Button("Clear filters");
    private final Span filterProblem = new Span();
    private final Tabs rangeTabs = new Tabs();
    private final Map<Tab, TimeRange> ranges = new LinkedHashMap<>();
    private final AttemptGrid grid;
    private final Button loadMore = new Button("Load more");

    private DashboardFilters filters = DashboardFilters.NONE;
    private final List<Attempt> shown = new ArrayList<>();
    private String nextCursor;
    private boolean applyingFilters;
    private List<String> projectItems = List.of();
    private List<String> taskItems = List.of();
    private LiveUpdates live;
    private Registration compactLayout;
    private static final long CHART_REDRAW_NANOS = Duration.ofSeconds(2).toNanos();
    private ShownChart drawnChart;
    private long drawnAt;

    public DashboardView(ActivityQueries queries, DashboardSettings settings) {
        this.queries = queries;
        this.settings = settings;
        this.grid = new AttemptGrid(settings.clock());
        setId("dashboard");
        setWidthFull();

        var cards = new FlexLayout(byProject, byTask);
        cards.setFlexWrap(FlexLayout.FlexWrap.WRAP);
        cards.getStyle().set("gap", "var(--lumo-space-m)");
        cards.setWidthFull();

        add(filterBar(), filterProblem, rangePicker(), stats, chart, grid, loadMore, cards);
        loadMore.setId("load-more");
        loadMore.addClickListener(event -> loadNextPage());
        filterProblem.setId("filter-problem");
        filterProblem.getStyle().set("color", "var(--lumo-error-text-color)");
    }

    private HorizontalLayout filterBar() {
        projectFilter.setId("filter-project");
        taskFilter.setId("filter-task");
        resultFilter.setId("filter-result");
        shaFilter.setId("filter-sha");
        clearFilters.setId("clear-filters");
        for (var box : List.of(projectFilter, taskFilter)) {
            box.setClearButtonVisible(true);
            box.setAllowCustomValue(true);
            box.addCustomValueSetListener(event -> box.setValue(event.getDetail()));
        }
        resultFilter.setItems(Result.values());
        resultFilter.setItemLabelGenerator(result -> result == Result.GRANTED ? "Granted" : "Blocked");
        resultFilter.setClearButtonVisible(true);
        shaFilter.setClearButtonVisible(true);
        shaFilter.setValueChangeMode(ValueChangeMode.LAZY);
        shaFilter.setPattern("[0-9a-fA-F]{0,64}");
        shaFilter.setErrorMessage("Hexadecimal only (0-9, a-f)");
        shaFilter.setMaxLength(64);

        projectFilter.addValueChangeListener(event -> changeFilters(filters.withProject(event.getValue())));
        taskFilter.addValueChangeListener(event -> changeFilters(filters.withTask(event.getValue())));
        resultFilter.addValueChangeListener(event -> changeFilters(filters.withResult(event.getValue())));
        shaFilter.addValueChangeListener(event -> {
            if (DashboardFilters.isShaPrefix(event.getValue())) {
                shaFilter.setInvalid(false);
                changeFilters(filters.withShaPrefix(event.getValue()));
            } else {
                shaFilter.setInvalid(true);
            }
        });
        clearFilters.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
        clearFilters.addClickListener(event -> changeFilters(filters.cleared()));

        var bar = new HorizontalLayout(
                new H2("Recent activity"), projectFilter, taskFilter, resultFilter, shaFilter, clearFilters);
        bar.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
        bar.setWrap(true);
        return bar;
    }

    private Tabs rangePicker() {
        rangeTabs.setId("range");
        rangeTabs.addThemeVariants(TabsVariant.LUMO_SMALL);
        rangeTabs.getElement().setAttribute("aria-label", "Time range");
        for (var range : TimeRange.values()) {
            var tab = new Tab(range.label());
            tab.setId("range-" + range.label());
            tab.getElement().setAttribute("title", "The " + range.description());
            ranges.put(tab, range);
            rangeTabs.add(tab);
        }
        rangeTabs.addSelectedChangeListener(event -> {
            var picked = ranges.get(event.getSelectedTab());
            if (picked != null) {
                changeFilters(filters.withRange(picked));
            }
        });
        return rangeTabs;
    }

    /** The address is the state: a filter change navigates to the address with the new filters. */
    private void changeFilters(DashboardFilters changed) {
        if (applyingFilters || changed.equals(filters)) {
            return;
        }
        getUI().ifPresent(ui -> ui.navigate(DashboardView.class, changed.toQuery()));
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        show(DashboardFilters.from(event.getLocation().getQueryParameters()));
    }

    /** Shows the page for {@code requested} filters (what the address asks for). */
    void show(DashboardFilters requested) {
        filters = requested;
        applyingFilters = true;
        try {
            resultFilter.setValue(filters.result());
            shaFilter.setValue(filters.shaPrefix() == null ? "" : filters.shaPrefix());
            ranges.forEach((tab, range) -> {
                if (range == filters.range()) {
                    rangeTabs.setSelectedTab(tab);
                }
            });
        } finally {
            applyingFilters = false;
        }
        clearFilters.setVisible(!filters.isEmpty());
        filterProblem.setText(
                filters.problem() == null ? "" : "Ignored a filter from the address: " + filters.problem());
        filterProblem.setVisible(filters.problem() != null);
        refresh();
    }

    /** Re-reads everything on the page from the projection. */
    public void refresh() {
        if (!queries.ready()) {
            stats.showLoading();
            showChoices(List.of(), List.of());
            grid.setEmptyStateText("Loading activity…");
        }
        var page = queries.recentAttempts(filters.toAttemptFilter(), null, settings.pageSize());
        shown.clear();
        shown.addAll(page.items());
        nextCursor = page.nextCursor();
        grid.show(List.copyOf(shown));
        if (queries.ready()) {
            grid.setEmptyStateText(filters.isEmpty() ? "No activity yet" : "No attempts match these filters");
        }
        loadMore.setVisible(nextCursor != null);
        var range = filters.range();
        var to = range.end(settings.clock().instant());
        var timeline = queries.timeline(to.minus(range.span()), to, range.bucket(), filters.toAttemptFilter());
        if (queries.ready()) {
            showStats(queries.stats(), timeline);
        }
        // Sending the chart is the costliest part of a refresh: when it changed, at most every 2 s under load (a
        // filter or range change shows at once: the page's view is new).
        long nanos = System.nanoTime();
        var wanted = new ShownChart(filters, timeline);
        if (!wanted.equals(drawnChart)
                && (drawnChart == null
                        || !drawnChart.filters().equals(filters)
                        || nanos - drawnAt >= CHART_REDRAW_NANOS)) {
            chart.show(timeline, range, chartTitle());
            drawnChart = wanted;
            drawnAt = nanos;
        }
    }

    /** What the chart shows: a new view (filters or range) is drawn at once, new data at most every 2 s. */
    private record ShownChart(DashboardFilters filters, List<TimelineBucket> timeline) {}

    private String chartTitle() {
        return "Claims and blocks, " + filters.range().description() + (filters.isEmpty() ? "" : " (filtered)");
    }

    private void showStats(ActivityStats current, List<TimelineBucket> timeline) {
        stats.show(current, timeline, filters.range(), !filters.isEmpty());
        byProject.show(
                current.byProject(), project -> filters.withProject(project).toQuery());
        byTask.show(current.byTask(), task -> filters.withTask(task).toQuery());
        showChoices(current.byProject(), current.byTask());
    }

    private void showChoices(List<Breakdown> projects, List<Breakdown> tasks) {
        // Replacing a combo box's items clears its value: do it only when the choices change, and put the value back
        // without treating it as the user's change.
        applyingFilters = true;
        try {
            projectItems = updateChoices(projectFilter, projectItems, labels(projects, filters.project()));
            taskItems = updateChoices(taskFilter, taskItems, labels(tasks, filters.task()));
            projectFilter.setValue(filters.project());
            taskFilter.setValue(filters.task());
        } finally {
            applyingFilters = false;
        }
    }

    private static List<String> updateChoices(ComboBox<String> box, List<String> shown, List<String> choices) {
        if (!choices.equals(shown)) {
            box.setItems(choices);
        }
        return choices;
    }

    private void loadNextPage() {
        if (nextCursor == null) {
            return;
        }
        var page = queries.recentAttempts(filters.toAttemptFilter(), nextCursor, settings.pageSize());
        shown.addAll(page.items());
        nextCursor = page.nextCursor();
        grid.show(List.copyOf(shown));
        loadMore.setVisible(nextCursor != null);
    }

    /** The labels to choose from, sorted, including the one in the address even when nothing matches it yet. */
    private static List<String> labels(List<Breakdown> breakdowns, String selected) {
        var labels = new java.util.TreeSet<String>();
        breakdowns.forEach(breakdown -> labels.add(breakdown.label()));
        if (selected != null) {
            labels.add(selected);
        }
        return List.copyOf(labels);
    }

    @Override
    protected void onAttach(AttachEvent event) {
        var ui = event.getUI();
        // Relative times and the 24-hour figures age even when nothing happens; a loading page looks again soon.
        live = new LiveUpdates(queries, ui, attempt -> true, this::refresh, settings.scheduler(), settings.coalesce())
                .refreshingWhileIdle(() -> queries.ready() ? settings.idleRefresh() : Duration.ofSeconds(1));
        compactLayout = CompactLayout.follow(ui, grid::setCompact);
    }

    @Override
    protected void onDetach(DetachEvent event) {
        if (compactLayout != null) {
            compactLayout.remove();
            compactLayout = null;
        }
        if (live != null) {
            live.close();
            live = null;
        }
    }

    /** The filters in effect (for tests). */
    DashboardFilters filters() {
        return filters;
    }

    StatCards statCards() {
        return stats;
    }

    AttemptGrid grid() {
        return grid;
    }

    Button loadMoreButton() {
        return loadMore;
    }

    Button clearFiltersButton() {
        return clearFilters;
    }

    ComboBox<String> projectFilter() {
        return projectFilter;
    }

    BreakdownPanel projectBreakdown() {
        return byProject;
    }

    Tabs rangeTabs() {
        return rangeTabs;
    }

    TimelineChart chart() {
        return chart;
    }
}
