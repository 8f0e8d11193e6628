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
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.QueryParameters;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.shared.Registration;
import dev.turnstile.dashboard.DashboardSettings;
import dev.turnstile.projections.query.ActivityQueries;
import dev.turnstile.projections.query.Lease;
import dev.turnstile.projections.query.LeaseState;
import jakarta.annotation.security.PermitAll;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Leases by state: active (with time left), expired, released and completed (with the outcome). The state is in the
 * address ({@code /leases?state=expired}), so reload, back and a shared link show the same tab.
 */
@Route("leases")
@PageTitle("Leases · Turnstile")
@PermitAll
public class LeasesView extends VerticalLayout implements BeforeEnterObserver {

    static final String STATE_PARAMETER = "state";

    private final ActivityQueries queries;
    private final DashboardSettings settings;
    private final Map<Tab, LeaseState> tabs = new LinkedHashMap<>();
    private final Tabs stateTabs = new Tabs();
    private final Grid<Lease> grid = new Grid<>();
    private final Span problem = new Span();
    private LeaseState state;
    private LiveUpdates live;
    private Registration compactLayout;

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
            var picked = tabs.get(event.getSelectedTab());
            if (picked != null && picked != state) {
                // The address is the state: picking a tab navigates to its address.
                getUI().ifPresentOrElse(ui -> ui.navigate(LeasesView.class, query(picked)), () -> select(picked));
            }
        });
        problem.setId("leases-problem");
        problem.getStyle().set("color", "var(--lumo-error-text-color)");
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
                .setKey("sha")
                .setAutoWidth(true);
        AttemptGrid.clipped(grid.addColumn(AttemptGrid.clippedText(Lease::holder))
                .setHeader("Holder")
                .setKey("holder"));
        grid.addColumn(Lease::fencingToken)
                .setHeader("Fencing token")
                .setKey("fencing-token")
                .setAutoWidth(true);
        grid.addColumn(new ComponentRenderer<>(lease -> timeSpan(lease.grantedAt())))
                .setHeader("Granted")
                .setKey("granted");
        grid.addColumn(lease -> describe(lease, settings.clock().instant()))
                .setHeader("Status")
                .setKey("status")
                .setAutoWidth(true)
                .setFlexGrow(0);
        grid.setEmptyStateText("No leases in this state");
        add(new H2("Leases"), stateTabs, problem, grid);
    }

    /** The address of a tab: the active one (the default) has none. */
    static QueryParameters query(LeaseState state) {
        return state == LeaseState.ACTIVE
                ? QueryParameters.empty()
                : QueryParameters.of(STATE_PARAMETER, state.label());
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        var values = event.getLocation().getQueryParameters().getParameters().getOrDefault(STATE_PARAMETER, List.of());
        var wanted = LeaseState.ACTIVE;
        problem.setText("");
        if (!values.isEmpty() && !values.getFirst().isBlank()) {
            var text = values.getFirst().strip().toLowerCase(Locale.ROOT);
            var found = Arrays.stream(LeaseState.values())
                    .filter(each -> each.label().equals(text))
                    .findFirst();
            if (found.isPresent()) {
                wanted = found.get();
            } else {
                problem.setText("Ignored state \"" + values.getFirst()
                        + "\" from the address: it must be active, expired, released or completed");
            }
        }
        select(wanted);
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
        grid.setItems(queries.leases(state == null ? LeaseState.ACTIVE : state, settings.pageSize()));
    }

    void select(LeaseState wanted) {
        state = wanted;
        tabs.forEach((tab, each) -> {
            if (each == wanted) {
                stateTabs.setSelectedTab(tab);
            }
        });
        refresh();
    }

    LeaseState state() {
        return state;
    }

    Grid<Lease> grid() {
        return grid;
    }

    @Override
    protected void onAttach(AttachEvent event) {
        refresh();
        // On a phone held upright the secondary columns go; task, holder and status stay.
        compactLayout = CompactLayout.follow(event.getUI(), narrow -> {
            for (var key : List.of("project", "sha", "fencing-token", "granted")) {
                grid.getColumnByKey(key).setVisible(!narrow);
            }
        });
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
        if (compactLayout != null) {
            compactLayout.remove();
            compactLayout = null;
        }
        if (live != null) {
            live.close();
            live = null;
        }
    }
}
