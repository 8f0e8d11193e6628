package dev.turnstile.dashboard.view;

import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.data.renderer.ComponentRenderer;
import com.vaadin.flow.function.ValueProvider;
import com.vaadin.flow.router.RouteParameters;
import com.vaadin.flow.router.RouterLink;
import dev.turnstile.projections.query.Attempt;
import java.time.Clock;
import java.util.List;

/**
 * Attempts, one per row: relative time (exact on hover), project, task, short SHA (full on hover, links to the
 * commit's page), agent and a result badge. On a narrow screen ({@link #setCompact}) project, task, SHA and agent
 * share one column of two lines, so the time and the result stay on screen.
 */
public class AttemptGrid extends Grid<Attempt> {

    /** Below this window width (CSS pixels) the grid is compact: a phone held upright. */
    public static final int COMPACT_BELOW_PX = 640;

    private final Clock clock;
    private final List<Column<Attempt>> wideColumns;
    private final Column<Attempt> compactColumn;
    private boolean compact;

    public AttemptGrid(Clock clock) {
        this.clock = clock;
        setId("activity-grid");
        addThemeVariants(GridVariant.LUMO_ROW_STRIPES, GridVariant.LUMO_COMPACT);
        setAllRowsVisible(true);
        addColumn(new ComponentRenderer<>(this::time))
                .setHeader("Time")
                .setAutoWidth(true)
                .setFlexGrow(0);
        compactColumn = clipped(addColumn(new ComponentRenderer<>(AttemptGrid::summary))
                .setHeader("Attempt")
                .setKey("attempt"));
        compactColumn.setVisible(false);
        wideColumns = List.of(
                clipped(addColumn(clippedText(Attempt::project))
                        .setHeader("Project")
                        .setKey("project")),
                clipped(addColumn(clippedText(Attempt::task)).setHeader("Task").setKey("task")),
                addColumn(new ComponentRenderer<>(AttemptGrid::sha))
                        .setHeader("Git SHA")
                        .setKey("sha")
                        .setAutoWidth(true)
                        .setFlexGrow(0),
                clipped(addColumn(clippedText(Attempt::agentId))
                        .setHeader("Agent")
                        .setKey("agent")));
        addColumn(new ComponentRenderer<>(AttemptGrid::badge))
                .setHeader("Result")
                .setKey("result")
                .setAutoWidth(true)
                .setFlexGrow(0);
        setEmptyStateText("No activity yet");
    }

    public void show(List<Attempt> attempts) {
        setItems(attempts);
    }

    /** One column of two lines for project, task, SHA and agent (true), or a column each (false). */
    public void setCompact(boolean compact) {
        this.compact = compact;
        wideColumns.forEach(column -> column.setVisible(!compact));
        compactColumn.setVisible(compact);
    }

    public boolean isCompact() {
        return compact;
    }

    /** "project · task" over "sha · agent", each line cut with an ellipsis (whole on hover). */
    static Div summary(Attempt attempt) {
        var what = new Span(attempt.project() + " · " + attempt.task());
        what.addClassName("ts-clip");
        what.getElement().setAttribute("title", attempt.project() + " · " + attempt.task());
        var agent = new Span(" · " + attempt.agentId());
        agent.getElement().setAttribute("title", attempt.agentId());
        var who = new Div(sha(attempt), agent);
        who.addClassNames("ts-clip", "ts-summary-detail");
        var summary = new Div(what, who);
        summary.addClassName("ts-summary");
        return summary;
    }

    private Span time(Attempt attempt) {
        var span = new Span(RelativeTime.ago(attempt.attemptedAt(), clock.instant()));
        span.getElement().setAttribute("title", RelativeTime.exact(attempt.attemptedAt()));
        return span;
    }

    /**
     * A column of names that may be long (an agent id may have 200 characters, a project or task 100): it shares the
     * width left by the fixed columns instead of growing to its longest value, so the result stays on screen.
     */
    static <T> Grid.Column<T> clipped(Grid.Column<T> column) {
        return column.setAutoWidth(false).setWidth("8rem").setFlexGrow(1);
    }

    /** The value, cut with an ellipsis where the column ends; the whole value on hover. */
    static <T> ComponentRenderer<Span, T> clippedText(ValueProvider<T, String> value) {
        return new ComponentRenderer<>(item -> {
            var text = new Span(value.apply(item));
            text.addClassName("ts-clip");
            text.getElement().setAttribute("title", value.apply(item));
            return text;
        });
    }

    /** The first 7 characters of the SHA in monospace, the full SHA on hover, a link to every attempt for it. */
    static RouterLink sha(Attempt attempt) {
        var link = new RouterLink(
                shortSha(attempt.gitSha()),
                ShaView.class,
                new RouteParameters(ShaView.SHA_PARAMETER, attempt.gitSha()));
        link.addClassName("ts-sha");
        link.getElement().setAttribute("title", attempt.gitSha());
        return link;
    }

    static String shortSha(String sha) {
        return sha.length() <= 7 ? sha : sha.substring(0, 7);
    }

    /** Granted, Blocked, or the name of another kind of decision (a lease expiring, a release…). */
    static Span badge(Attempt attempt) {
        var label = badgeLabel(attempt);
        var badge = new Span(label);
        badge.addClassName("ts-badge");
        badge.addClassName(
                switch (label) {
                    case "Granted" -> "ts-badge-granted";
                    case "Blocked" -> "ts-badge-blocked";
                    default -> "ts-badge-other";
                });
        return badge;
    }

    static String badgeLabel(Attempt attempt) {
        var kind = attempt.kind();
        if (kind == null || kind.equals("ClaimGranted") || kind.equals("ClaimDenied")) {
            return attempt.wasGranted() ? "Granted" : "Blocked";
        }
        // "LeaseExpired" -> "Lease expired"
        var words = kind.replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(java.util.Locale.ROOT);
        return Character.toUpperCase(words.charAt(0)) + words.substring(1);
    }
}
