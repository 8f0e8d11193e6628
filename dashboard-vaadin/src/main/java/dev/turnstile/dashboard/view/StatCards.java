package dev.turnstile.dashboard.view;

import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexLayout;
import dev.turnstile.projections.query.ActivityStats;
import dev.turnstile.projections.query.TimelineBucket;
import java.util.List;
import java.util.Locale;

/**
 * Claims, duplicates blocked and block rate over the page's time range and filters (the chart's buckets summed), and
 * active projects; all-time totals beside them when nothing is filtered. Placeholders while data loads.
 */
public class StatCards extends FlexLayout {

    private final Card total = new Card("total-claims", "Claims");
    private final Card blocked = new Card("duplicates-blocked", "Duplicates blocked");
    private final Card blockRate = new Card("block-rate", "Block rate");
    private final Card projects = new Card("active-projects", "Active projects");

    public StatCards() {
        setFlexWrap(FlexWrap.WRAP);
        getStyle().set("gap", "var(--lumo-space-m)");
        setWidthFull();
        add(total, blocked, blockRate, projects);
        showLoading();
    }

    /** Placeholders: the projection is still catching up with the decisions topic. */
    public void showLoading() {
        for (var card : new Card[] {total, blocked, blockRate, projects}) {
            card.show("—", "Loading…");
            card.addClassName("ts-loading");
        }
    }

    /**
     * @param stats the all-time figures
     * @param timeline the chart's buckets: what the filters keep over {@code range}
     * @param filtered whether filters are set (the all-time totals then do not apply)
     */
    public void show(ActivityStats stats, List<TimelineBucket> timeline, TimeRange range, boolean filtered) {
        long claims = timeline.stream().mapToLong(TimelineBucket::attempts).sum();
        long blockedClaims =
                timeline.stream().mapToLong(TimelineBucket::blocked).sum();
        var scope = "in the " + range.description() + (filtered ? ", filtered" : "");
        total.show(count(claims), filtered ? scope : scope + " · " + count(stats.totalAttempts()) + " all time");
        blocked.show(
                count(blockedClaims),
                filtered ? scope : scope + " · " + count(stats.duplicatesBlocked()) + " all time");
        blockRate.show(
                String.format(Locale.ROOT, "%.1f%%", claims == 0 ? 0.0 : blockedClaims * 100.0 / claims),
                "of claims " + scope + " were duplicates");
        projects.show(
                count(stats.activeProjects()),
                stats.byTask().size() + (stats.byTask().size() == 1 ? " task" : " tasks"));
        for (var card : new Card[] {total, blocked, blockRate, projects}) {
            card.removeClassName("ts-loading");
        }
    }

    /** The value shown on the card with this id (for tests and the page's readers). */
    public String value(String id) {
        return cardById(id).value.getText();
    }

    public String detail(String id) {
        return cardById(id).detail.getText();
    }

    private Card cardById(String id) {
        return getChildren()
                .map(Card.class::cast)
                .filter(card -> card.getId().orElse("").equals("stat-" + id))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No stat card " + id));
    }

    private static String count(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    private static final class Card extends Div {
        private final Span value = new Span();
        private final Span detail = new Span();

        Card(String id, String title) {
            setId("stat-" + id);
            addClassName("ts-card");
            var heading = new Div(new Span(title));
            heading.addClassName("ts-card-title");
            var valueRow = new Div(value);
            valueRow.addClassName("ts-card-value");
            value.addClassName("ts-card-number");
            var detailRow = new Div(detail);
            detailRow.addClassName("ts-card-detail");
            add(heading, valueRow, detailRow);
        }

        void show(String valueText, String detailText) {
            value.setText(valueText);
            detail.setText(detailText);
        }
    }
}
