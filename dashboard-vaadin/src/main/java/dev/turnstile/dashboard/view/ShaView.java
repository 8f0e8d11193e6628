package dev.turnstile.dashboard.view;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouterLink;
import dev.turnstile.dashboard.DashboardSettings;
import dev.turnstile.projections.query.ActivityQueries;
import dev.turnstile.projections.query.Attempt;
import jakarta.annotation.security.PermitAll;
import java.util.List;

/** Every attempt for one commit, across projects and tasks, newest first. */
@Route("sha/:" + ShaView.SHA_PARAMETER)
@PermitAll
public class ShaView extends VerticalLayout implements BeforeEnterObserver, HasDynamicTitle {

    static final String SHA_PARAMETER = "sha";

    private final ActivityQueries queries;
    private final DashboardSettings settings;
    private final H2 heading = new H2();
    private final Paragraph summary = new Paragraph();
    private final Span problem = new Span();
    private final AttemptGrid grid;
    private String sha = "";
    private LiveUpdates live;

    public ShaView(ActivityQueries queries, DashboardSettings settings) {
        this.queries = queries;
        this.settings = settings;
        this.grid = new AttemptGrid(settings.clock());
        setId("sha-view");
        heading.addClassName("ts-sha");
        summary.setId("sha-summary");
        problem.getStyle().set("color", "var(--lumo-error-text-color)");
        grid.setEmptyStateText("No attempts for this commit");
        add(new RouterLink("← All activity", DashboardView.class), heading, summary, problem, grid);
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        sha = event.getRouteParameters().get(SHA_PARAMETER).orElse("");
        heading.setText(sha);
        refresh();
    }

    @Override
    public String getPageTitle() {
        return AttemptGrid.shortSha(sha) + " · Turnstile";
    }

    void refresh() {
        List<Attempt> attempts;
        try {
            attempts = queries.attemptsForSha(sha);
            problem.setText("");
        } catch (IllegalArgumentException e) {
            attempts = List.of();
            problem.setText(e.getMessage());
        }
        grid.show(attempts);
        long granted = attempts.stream().filter(Attempt::wasGranted).count();
        summary.setText(attempts.size() + (attempts.size() == 1 ? " attempt" : " attempts") + ", " + granted
                + " granted, " + (attempts.size() - granted) + " blocked");
    }

    @Override
    protected void onAttach(AttachEvent event) {
        live = new LiveUpdates(
                queries,
                event.getUI(),
                attempt -> attempt.gitSha().startsWith(sha.toLowerCase(java.util.Locale.ROOT)),
                this::refresh,
                settings.scheduler(),
                settings.coalesce());
    }

    @Override
    protected void onDetach(DetachEvent event) {
        if (live != null) {
            live.close();
            live = null;
        }
    }
}
