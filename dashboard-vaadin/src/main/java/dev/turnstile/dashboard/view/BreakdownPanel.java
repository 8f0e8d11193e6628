package dev.turnstile.dashboard.view;

import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.progressbar.ProgressBar;
import dev.turnstile.projections.query.Breakdown;
import java.util.List;
import java.util.Locale;

/** "X blocked / Y total" per project or task, with a bar of the blocked share, busiest first. */
public class BreakdownPanel extends Div {

    /** Rows shown; the rest are summarised in one line. */
    static final int MAX_ROWS = 12;

    private final Div rows = new Div();

    public BreakdownPanel(String id, String title) {
        setId(id);
        addClassName("ts-card");
        add(new H3(title), rows);
    }

    /** Shows {@code breakdowns} (sorted by total, as the query API answers them). */
    public void show(List<Breakdown> breakdowns) {
        rows.removeAll();
        if (breakdowns.isEmpty()) {
            rows.add(new Span("No activity yet"));
            return;
        }
        breakdowns.stream().limit(MAX_ROWS).forEach(breakdown -> rows.add(row(breakdown)));
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

    private static Div row(Breakdown breakdown) {
        var label = new Span(breakdown.label());
        label.getElement().setAttribute("title", breakdown.label());
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
