package dev.turnstile.dashboard.view;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.tabs.Tab;
import com.vaadin.flow.component.tabs.Tabs;
import com.vaadin.flow.data.renderer.ComponentRenderer;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import dev.turnstile.dashboard.DashboardSettings;
import dev.turnstile.projections.query.ActivityQueries;
import dev.turnstile.projections.query.Lease;
import dev.turnstile.projections.query.LeaseState;
import jakarta.annotation.security.PermitAll;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Leases by state: active (with time left), expired, released and completed (with the outcome). */
@Route("leases")
@PageTitle("Leases · Turnstile")
@PermitAll
public class LeasesView extends VerticalLayout {

    private final ActivityQueries queries;
    private final DashboardSettings settings;
    private final Map<Tab, LeaseState> tabs = new LinkedHashMap<>();
    private final Tabs stateTabs = new Tabs();
    private final Grid<Lease> grid = new Grid<>();
    private LeaseState state = LeaseState.ACTIVE;
    private LiveUpdates live;

    public LeasesView(ActivityQueries queries, DashboardSettings settings) {
        this.queries = queries;
        this.settings = settings;
        setId("leases-view");
        for (var each : LeaseState.values()) {
            var tab = new Tab(
                    Character.toUpperCase(each.label().charAt(0)) + each.label().substring(1));
            tab.setId("leases-" + each.label());
            tabs.put(tab, each);
            stateTabs.add(tab);
        }
        stateTabs.addSelectedChangeListener(event -> {
            state = tabs.get(event.getSelectedTab());
            refresh();
        });
        grid.setId("leases-grid");
        grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES, GridVariant.LUMO_COMPACT);
        grid.setAllRowsVisible(true);
        AttemptGrid.clipped(grid.addColumn(AttemptGrid.clippedText(Lease::project))
                .setHeader("Project")
                .setKey("project"));
        AttemptGrid.clipped(grid.addColumn(AttemptGrid.clippedText(Lease::task))
                .setHeader("Task")
                .setKey("task"));
        grid.addColumn(new ComponentRenderer<>(lease -> {
                    var sha = new Span(AttemptGrid.shortSha(lease.gitSha()));
                    sha.addClassName("ts-sha");
                    sha.getElement().setAttribute("title", lease.gitSha());
                    return sha;
                }))
                .setHeader("Git SHA")
                .setAutoWidth(true);
        AttemptGrid.clipped(grid.addColumn(AttemptGrid.clippedText(Lease::holder))
                .setHeader("Holder")
                .setKey("holder"));
        grid.addColumn(Lease::fencingToken).setHeader("Fencing token").setAutoWidth(true);
        grid.addColumn(new ComponentRenderer<>(lease -> timeSpan(lease.grantedAt())))
                .setHeader("Granted");
        grid.addColumn(lease -> describe(lease, settings.clock().instant()))
                .setHeader("Status")
                .setKey("status")
                .setAutoWidth(true)
                .setFlexGrow(0);
        grid.setEmptyStateText("No leases in this state");
        add(new H2("Leases"), stateTabs, grid);
    }

    /** "expires in 12s", "expired 3m ago", "released 5m ago", "succeeded 1h ago". */
    static String describe(Lease lease, Instant now) {
        return switch (lease.state()) {
            case ACTIVE ->
                lease.expiresAt() == null
                        ? "active"
                        : lease.expiresAt().isAfter(now)
                                ? "expires in "
                                        + RelativeTime.ago(now, lease.expiresAt())
                                                .replace(" ago", "")
                                : "past its expiry, awaiting the announcement";
            case EXPIRED -> "expired " + RelativeTime.ago(lease.endedAt(), now);
            case RELEASED -> "released " + RelativeTime.ago(lease.endedAt(), now);
            case COMPLETED ->
                (lease.outcome() == null ? "completed" : lease.outcome().toLowerCase(Locale.ROOT)) + " "
                        + RelativeTime.ago(lease.endedAt(), now);
        };
    }

    private Span timeSpan(Instant at) {
        var span = new Span(RelativeTime.ago(at, settings.clock().instant()));
        span.getElement().setAttribute("title", RelativeTime.exact(at));
        return span;
    }

    void refresh() {
        grid.setItems(queries.leases(state, settings.pageSize()));
    }

    void select(LeaseState wanted) {
        tabs.forEach((tab, each) -> {
            if (each == wanted) {
                stateTabs.setSelectedTab(tab);
            }
        });
        state = wanted;
        refresh();
    }

    Grid<Lease> grid() {
        return grid;
    }

    @Override
    protected void onAttach(AttachEvent event) {
        refresh();
        // Renewals move expiry times without a listed event, and "expires in" counts down: refresh while idle too.
        live = new LiveUpdates(
                        queries,
                        event.getUI(),
                        attempt -> !attempt.isClaim() || attempt.wasGranted(),
                        this::refresh,
                        settings.scheduler(),
                        settings.coalesce())
                .refreshingWhileIdle(settings::idleRefresh);
    }

    @Override
    protected void onDetach(DetachEvent event) {
        if (live != null) {
            live.close();
            live = null;
        }
    }
}
