package dev.turnstile.dashboard.view;

import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.progressbar.ProgressBar;
import com.vaadin.flow.router.QueryParameters;
import dev.turnstile.projections.query.Breakdown;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * "X blocked / Y total" per project or task, with a bar of the blocked share, busiest first. Each name links to the
 * activity page filtered by it.
 */
public class BreakdownPanel extends Div {

    /** Rows shown; the rest are summarised in one line. */
    static final int MAX_ROWS = 12;

    private final Div rows = new Div();
    private Function<String, QueryParameters> linkTo = label -> QueryParameters.empty();

    public BreakdownPanel(String id, String title) {
        setId(id);
        addClassName("ts-card");
        add(new H3(title), rows);
    }

    /** Shows {@code breakdowns} (sorted by total, as the query API answers them), each linked to its filter. */
    public void show(List<Breakdown> breakdowns, Function<String, QueryParameters> linkTo) {
        this.linkTo = linkTo;
        show(breakdowns);
    }

    /** Shows {@code breakdowns} (sorted by total, as the query API answers them). */
    public void show(List<Breakdown> breakdowns) {
        rows.removeAll();
        if (breakdowns.isEmpty()) {
            rows.add(new Span("No activity yet"));
            return;
        }
        breakdowns.stream().limit(MAX_ROWS).forEach(breakdown -> rows.add(row(breakdown, linkTo)));
        if (breakdowns.size() > MAX_ROWS) {
            rows.add(new Span("… and " + (breakdowns.size() - MAX_ROWS) + " more"));
        }
    }

    /** The text of each row, in order (for tests). */
    public List<String> rowTexts() {
        return rows.getChildren()
                .map(row -> row.getElement().getTextRecursively().strip())
                .toList();
    }

    /** The addresses the rows link to, in order (for tests). */
    public List<String> rowLinks() {
        return rows.getChildren()
                .flatMap(row -> row.getChildren().filter(Anchor.class::isInstance))
                .map(link -> ((Anchor) link).getHref())
                .toList();
    }

    private static Div row(Breakdown breakdown, Function<String, QueryParameters> linkTo) {
        // An anchor marked as a router link (as RouterLink renders it): navigates without a reload, and the panel
        // can be built without a running router.
        var query = linkTo.apply(breakdown.label()).getQueryString();
        var label = new Anchor(query.isEmpty() ? "." : "?" + query, breakdown.label());
        label.getElement().setAttribute("router-link", true);
        label.addClassName("ts-clip");
        label.getElement().setAttribute("title", "Show " + breakdown.label() + "'s activity");
        var counts =
                new Span(String.format(Locale.ROOT, "%,d blocked / %,d total", breakdown.blocked(), breakdown.total()));
        var bar = new ProgressBar(0, 1, breakdown.total() == 0 ? 0 : (double) breakdown.blocked() / breakdown.total());
        bar.getElement()
                .setAttribute(
                        "title",
                        String.format(
                                Locale.ROOT,
                                "%.1f%% blocked",
                                breakdown.total() == 0 ? 0 : breakdown.blocked() * 100.0 / breakdown.total()));
        var row = new Div(label, counts, bar);
        row.addClassName("ts-breakdown-row");
        return row;
    }
}
