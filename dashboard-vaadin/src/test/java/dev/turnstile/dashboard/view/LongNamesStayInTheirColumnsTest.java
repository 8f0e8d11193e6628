package dev.turnstile.dashboard.view;

import static org.assertj.core.api.Assertions.assertThat;

import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.data.renderer.ComponentRenderer;
import dev.turnstile.dashboard.DashboardSettings;
import dev.turnstile.projections.activity.InMemoryActivity;
import dev.turnstile.projections.query.Attempt;
import dev.turnstile.projections.query.Lease;
import dev.turnstile.projections.query.LeaseState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * A legal 200-character agent id (or a 100-character project or task) must not push the result off screen: the
 * columns of names share the width left and cut the name with an ellipsis, the whole name on hover.
 */
class LongNamesStayInTheirColumnsTest {

    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    private static final String AGENT = "agent-" + "x".repeat(194);
    private static final String PROJECT = "p".repeat(100);

    @Test
    void the_activity_grid_constrains_project_task_and_agent_and_shows_each_in_full_on_hover() {
        var grid = new AttemptGrid(Clock.fixed(NOW, ZoneOffset.UTC));
        var attempt = new Attempt(
                "k#1", "k", PROJECT, "deploy", "3f9c2ab", AGENT, "r", NOW, true, null, null, "ClaimGranted");

        for (var key : List.of("project", "task", "agent")) {
            assertConstrained(grid.getColumnByKey(key));
        }
        assertThat(titleOf(grid.getColumnByKey("agent"), attempt)).isEqualTo(AGENT);
        assertThat(titleOf(grid.getColumnByKey("project"), attempt)).isEqualTo(PROJECT);
        assertThat(grid.getColumnByKey("result").isAutoWidth()).isTrue();
        assertThat(grid.getColumnByKey("result").getFlexGrow()).isZero();
    }

    @Test
    void the_leases_grid_constrains_project_task_and_holder_and_shows_each_in_full_on_hover() {
        var scheduler = Executors.newSingleThreadScheduledExecutor();
        try {
            var clock = Clock.fixed(NOW, ZoneOffset.UTC);
            var view = new LeasesView(
                    new InMemoryActivity(clock),
                    new DashboardSettings(
                            clock, scheduler, Duration.ofMillis(50), Duration.ofSeconds(15), 50, List.of()));
            var lease = new Lease("k", PROJECT, "deploy", "3f9c2ab", AGENT, 2, LeaseState.ACTIVE, NOW, NOW, null, null);

            for (var key : List.of("project", "task", "holder")) {
                assertConstrained(view.grid().getColumnByKey(key));
            }
            assertThat(titleOf(view.grid().getColumnByKey("holder"), lease)).isEqualTo(AGENT);
            assertThat(view.grid().getColumnByKey("status").getFlexGrow()).isZero();
        } finally {
            scheduler.shutdownNow();
        }
    }

    private static void assertConstrained(Grid.Column<?> column) {
        assertThat(column.isAutoWidth())
                .as("%s sized by its longest value", column.getKey())
                .isFalse();
        assertThat(column.getWidth()).as(column.getKey()).isNotBlank();
        assertThat(column.getFlexGrow()).as(column.getKey()).isPositive();
    }

    @SuppressWarnings("unchecked")
    private static <T> String titleOf(Grid.Column<T> column, T item) {
        var cell = (Span) ((ComponentRenderer<?, T>) column.getRenderer()).createComponent(item);
        assertThat(cell.getClassNames()).contains("ts-clip");
        assertThat(cell.getText()).isEqualTo(cell.getElement().getAttribute("title"));
        return cell.getElement().getAttribute("title");
    }
}
