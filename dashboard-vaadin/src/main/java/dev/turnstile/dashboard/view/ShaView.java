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
import com.vaadin.flow.shared.Registration;
import dev.turnstile.dashboard.DashboardSettings;
import dev.turnstile.projections.query.ActivityQueries;
import dev.turnstile.projections.query.Attempt;
import jakarta.annotation.security.PermitAll;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Every attempt for one commit, across projects and tasks, newest first. An address that cannot be a SHA says so,
 * and what a SHA looks like, rather than counting no attempts.
 */
@Route("sha/:" + ShaView.SHA_PARAMETER)
@PermitAll
public class ShaView extends VerticalLayout implements BeforeEnterObserver, HasDynamicTitle {

    static final String SHA_PARAMETER = "sha";

    /** A git SHA or the start of one: hexadecimal, SHA-1 (40) or SHA-256 (64) at most. */
    private static final Pattern SHA = Pattern.compile("[0-9a-fA-F]{1,64}");

    private final ActivityQueries queries;
    private final DashboardSettings settings;
    private final H2 heading = new H2();
    private final Paragraph summary = new Paragraph();
    private final Span problem = new Span();
    private final AttemptGrid grid;
    private String sha = "";
    private LiveUpdates live;
    private Registration compactLayout;

    public ShaView(ActivityQueries queries, DashboardSettings settings) {
        this.queries = queries;
        this.settings = settings;
        this.grid = new AttemptGrid(settings.clock());
        setId("sha-view");
        heading.addClassName("ts-sha");
        summary.setId("sha-summary");
        problem.setId("sha-problem");
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

    Span problem() {
        return problem;
    }

    Paragraph summary() {
        return summary;
    }

    @Override
    public String getPageTitle() {
        return AttemptGrid.shortSha(sha) + " · Turnstile";
    }

    /** Why {@code text} cannot be a git SHA, or null when it can. */
    static String notASha(String text) {
        if (SHA.matcher(text).matches()) {
            return null;
        }
        return "\"" + text + "\" is not a git SHA. A SHA is hexadecimal (0-9 and a-f), 40 characters long"
                + " (64 for SHA-256), such as 3f9c2ab41d0e5b7c8a9f1e2d3c4b5a6978695a4b; its first 7 or more characters"
                + " are enough when only one commit starts with them.";
    }

    void refresh() {
        var malformed = notASha(sha);
        if (malformed != null) {
            grid.show(List.of());
            grid.setVisible(false);
            summary.setText("");
            summary.setVisible(false);
            problem.setText(malformed);
            return;
        }
        grid.setVisible(true);
        summary.setVisible(true);
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
        compactLayout = CompactLayout.follow(event.getUI(), grid::setCompact);
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
