package dev.turnstile.dashboard.view;

import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexLayout;
import dev.turnstile.projections.query.ActivityStats;
import java.util.Locale;

/** Total claims, duplicates blocked, block rate and active projects, with placeholders while data loads. */
public class StatCards extends FlexLayout {

    private final Card total = new Card("total-claims", "Total claims");
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

    public void show(ActivityStats stats) {
        total.show(count(stats.totalAttempts()), count(stats.attemptsLast24h()) + " in last 24h");
        blocked.show(count(stats.duplicatesBlocked()), count(stats.duplicatesBlockedLast24h()) + " in last 24h");
        blockRate.show(String.format(Locale.ROOT, "%.1f%%", stats.blockRatePercent()), "of all claims were duplicates");
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
