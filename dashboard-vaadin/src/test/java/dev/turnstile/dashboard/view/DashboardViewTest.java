package dev.turnstile.dashboard.view;

import static org.assertj.core.api.Assertions.assertThat;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.grid.Grid;
import dev.turnstile.dashboard.DashboardSettings;
import dev.turnstile.projections.activity.InMemoryActivity;
import dev.turnstile.projections.query.Attempt;
import dev.turnstile.projections.query.Result;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The activity page's logic, on components without a browser. */
class DashboardViewTest {

    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

    private final InMemoryActivity activity = new InMemoryActivity(Clock.fixed(NOW, ZoneOffset.UTC));
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final DashboardSettings settings = new DashboardSettings(
            Clock.fixed(NOW, ZoneOffset.UTC), scheduler, Duration.ofMillis(50), Duration.ofSeconds(15), 50, List.of());

    @AfterEach
    void stopScheduler() {
        scheduler.shutdownNow();
    }

    @Test
    void stat_cards_show_placeholders_until_the_projection_has_caught_up() {
        activity.setReady(false);
        var view = new DashboardView(activity, settings);

        view.show(DashboardFilters.NONE);

        assertThat(view.statCards().value("total-claims")).isEqualTo("—");
        assertThat(view.statCards().detail("total-claims")).isEqualTo("Loading…");
        assertThat(view.grid().getEmptyStateText()).isEqualTo("Loading activity…");
    }

    @Test
    void stat_cards_show_the_ranges_figures_all_time_totals_block_rate_and_active_projects() {
        activity.add("hire", "deploy", "3f9c2ab", "a1", true, NOW.minusSeconds(30));
        activity.add("hire", "deploy", "3f9c2ab", "a2", false, NOW.minusSeconds(20));
        activity.add("web", "build", "0a1b2c3", "a3", true, NOW.minusSeconds(10));
        var view = new DashboardView(activity, settings);

        view.show(DashboardFilters.NONE);

        var cards = view.statCards();
        assertThat(cards.value("total-claims")).isEqualTo("3");
        assertThat(cards.detail("total-claims")).isEqualTo("in the last 24 hours · 3 all time");
        assertThat(cards.value("duplicates-blocked")).isEqualTo("1");
        assertThat(cards.detail("duplicates-blocked")).isEqualTo("in the last 24 hours · 1 all time");
        assertThat(cards.value("block-rate")).isEqualTo("33.3%");
        assertThat(cards.value("active-projects")).isEqualTo("2");
    }

    @Test
    void an_empty_page_says_no_activity_yet_and_a_filtered_one_says_nothing_matches() {
        var view = new DashboardView(activity, settings);
        view.show(DashboardFilters.NONE);
        assertThat(view.grid().getEmptyStateText()).isEqualTo("No activity yet");

        view.show(DashboardFilters.NONE.withProject("nothing-here"));
        assertThat(view.grid().getEmptyStateText()).isEqualTo("No attempts match these filters");
    }

    @Test
    void a_project_filter_from_the_address_keeps_only_that_project_and_offers_to_clear_it() {
        activity.add("hire", "deploy", "3f9c2ab", "a1", true, NOW.minusSeconds(30));
        activity.add("web", "build", "0a1b2c3", "a2", true, NOW.minusSeconds(10));
        var view = new DashboardView(activity, settings);

        view.show(DashboardFilters.NONE);
        assertThat(view.clearFiltersButton().isVisible()).isFalse();

        view.show(DashboardFilters.NONE.withProject("hire"));

        assertThat(items(view)).extracting(Attempt::project).containsExactly("hire");
        assertThat(view.projectFilter().getValue()).isEqualTo("hire");
        assertThat(view.clearFiltersButton().isVisible()).isTrue();
    }

    @Test
    void result_and_sha_filters_combine() {
        activity.add("hire", "deploy", "3f9c2ab", "a1", true, NOW.minusSeconds(30));
        activity.add("hire", "deploy", "3f9c2ab", "a2", false, NOW.minusSeconds(20));
        activity.add("hire", "deploy", "0a1b2c3", "a3", false, NOW.minusSeconds(10));
        var view = new DashboardView(activity, settings);

        view.show(DashboardFilters.NONE.withResult(Result.BLOCKED).withShaPrefix("3F9"));

        assertThat(items(view)).extracting(Attempt::agentId).containsExactly("a2");
    }

    @Test
    void attempts_are_paged_newest_first_with_load_more_until_the_last_page() {
        for (int i = 0; i < 120; i++) {
            activity.add("hire", "deploy", String.format("%07x", i), "agent-" + i, true, NOW.minusSeconds(200 - i));
        }
        var view = new DashboardView(activity, settings);
        view.show(DashboardFilters.NONE);

        assertThat(items(view)).hasSize(50).first().extracting(Attempt::agentId).isEqualTo("agent-119");
        assertThat(view.loadMoreButton().isVisible()).isTrue();

        view.loadMoreButton().click();
        assertThat(items(view)).hasSize(100);
        view.loadMoreButton().click();
        assertThat(items(view)).hasSize(120).last().extracting(Attempt::agentId).isEqualTo("agent-0");
        assertThat(view.loadMoreButton().isVisible()).isFalse();
    }

    @Test
    void breakdowns_show_blocked_and_total_busiest_first() {
        activity.add("web", "build", "0a1b2c3", "a1", true, NOW);
        activity.add("hire", "deploy", "3f9c2ab", "a1", true, NOW);
        activity.add("hire", "deploy", "3f9c2ab", "a2", false, NOW);
        var view = new DashboardView(activity, settings);

        view.show(DashboardFilters.NONE);

        assertThat(view.projectBreakdown().rowTexts())
                .containsExactly("hire1 blocked / 2 total", "web0 blocked / 1 total");
    }

    @Test
    void the_chart_gets_the_ranges_buckets_for_the_browser_to_draw() {
        activity.add("hire", "deploy", "3f9c2ab", "a1", true, NOW.minusSeconds(60));
        var view = new DashboardView(activity, settings);

        view.show(DashboardFilters.NONE);

        assertThat(view.chart().data())
                .contains("\"bucketMillis\":900000")
                .contains("\"claims\":1")
                .contains("Claims and blocks, last 24 hours");
        assertThat(view.chart().getElement().getAttribute("aria-label"))
                .isEqualTo("Claims and blocks, last 24 hours: 1 claims, 0 blocked");
        assertThat(view.chart().getElement().getProperty("data"))
                .isEqualTo(view.chart().data());
    }

    @Test
    void filters_drive_the_cards_and_the_chart_as_well_as_the_list() {
        activity.add("hire", "deploy", "3f9c2ab", "a1", true, NOW.minusSeconds(30));
        activity.add("hire", "deploy", "3f9c2ab", "a2", false, NOW.minusSeconds(20));
        activity.add("web", "build", "0a1b2c3", "a3", true, NOW.minusSeconds(10));
        var view = new DashboardView(activity, settings);

        view.show(DashboardFilters.NONE.withProject("hire"));

        var cards = view.statCards();
        assertThat(cards.value("total-claims")).isEqualTo("2");
        assertThat(cards.detail("total-claims")).isEqualTo("in the last 24 hours, filtered");
        assertThat(cards.value("duplicates-blocked")).isEqualTo("1");
        assertThat(cards.value("block-rate")).isEqualTo("50.0%");
        assertThat(view.chart().getElement().getAttribute("aria-label"))
                .isEqualTo("Claims and blocks, last 24 hours (filtered): 2 claims, 1 blocked");

        view.show(DashboardFilters.NONE.withResult(Result.GRANTED));
        assertThat(cards.value("total-claims")).isEqualTo("2");
        assertThat(cards.value("duplicates-blocked")).isEqualTo("0");
    }

    @Test
    void the_range_sets_how_far_back_the_cards_and_the_chart_look() {
        activity.add("hire", "deploy", "3f9c2ab", "a1", true, NOW.minus(Duration.ofHours(3)));
        activity.add("hire", "deploy", "3f9c2ab", "a2", false, NOW.minus(Duration.ofDays(2)));
        activity.add("web", "build", "0a1b2c3", "a3", true, NOW.minusSeconds(10));
        var view = new DashboardView(activity, settings);

        view.show(DashboardFilters.NONE.withRange(TimeRange.HOUR));
        assertThat(view.statCards().value("total-claims")).isEqualTo("1");
        assertThat(view.chart().data()).contains("\"bucketMillis\":60000");

        view.show(DashboardFilters.NONE);
        assertThat(view.statCards().value("total-claims")).isEqualTo("2");

        view.show(DashboardFilters.NONE.withRange(TimeRange.WEEK));
        assertThat(view.statCards().value("total-claims")).isEqualTo("3");
        assertThat(view.statCards().detail("duplicates-blocked")).isEqualTo("in the last 7 days · 1 all time");
        assertThat(view.rangeTabs().getSelectedTab().getLabel()).isEqualTo("7d");
    }

    @Test
    void breakdown_rows_link_to_the_page_filtered_by_them_keeping_the_range() {
        activity.add("web", "build", "0a1b2c3", "a1", true, NOW);
        activity.add("hire", "deploy", "3f9c2ab", "a1", true, NOW);
        activity.add("hire", "deploy", "3f9c2ab", "a2", false, NOW);
        var view = new DashboardView(activity, settings);

        view.show(DashboardFilters.NONE.withRange(TimeRange.WEEK));

        assertThat(view.projectBreakdown().rowLinks())
                .containsExactly("?project=hire&range=7d", "?project=web&range=7d");
    }

    @Test
    void a_narrow_grid_shows_what_and_who_in_one_column_and_keeps_time_and_result() {
        var grid = new AttemptGrid(Clock.fixed(NOW, ZoneOffset.UTC));

        grid.setCompact(true);

        assertThat(grid.getColumns().stream().filter(Grid.Column::isVisible).map(Grid.Column::getKey))
                .containsExactly(null, "attempt", "result");

        grid.setCompact(false);
        assertThat(grid.getColumns().stream().filter(Grid.Column::isVisible).map(Grid.Column::getKey))
                .containsExactly(null, "project", "task", "sha", "agent", "result");
    }

    @Test
    void result_badges_name_the_decision() {
        var granted = activity.add("hire", "deploy", "3f9c2ab", "a1", true, NOW);
        var blocked = activity.add("hire", "deploy", "3f9c2ab", "a2", false, NOW);
        var expired =
                new Attempt("k#3", "k", "hire", "deploy", "3f9c2ab", "a1", "r", NOW, false, null, null, "LeaseExpired");

        assertThat(AttemptGrid.badgeLabel(granted)).isEqualTo("Granted");
        assertThat(AttemptGrid.badgeLabel(blocked)).isEqualTo("Blocked");
        assertThat(AttemptGrid.badgeLabel(expired)).isEqualTo("Lease expired");
        assertThat(AttemptGrid.shortSha("3f9c2ab41d")).isEqualTo("3f9c2ab");
    }

    @Test
    void a_burst_of_decisions_costs_one_refresh_of_an_open_page() throws Exception {
        var refreshes = new AtomicInteger();
        var ui = new UI() {
            @Override
            public Future<Void> access(com.vaadin.flow.server.Command command) {
                command.execute();
                return java.util.concurrent.CompletableFuture.completedFuture(null);
            }
        };
        try (var live = new LiveUpdates(
                activity, ui, attempt -> true, refreshes::incrementAndGet, scheduler, Duration.ofMillis(200))) {
            for (int i = 0; i < 10; i++) {
                activity.add("hire", "deploy", "3f9c2ab", "a" + i, i == 0, NOW);
            }
            // Wait until the scheduled refresh has run: the scheduler is single-threaded, so a task queued after it
            // (with a longer delay) runs after it.
            scheduler.schedule(() -> {}, 250, TimeUnit.MILLISECONDS).get(5, TimeUnit.SECONDS);
            assertThat(refreshes).hasValue(1);

            activity.add("hire", "deploy", "3f9c2ab", "late", false, NOW);
            scheduler.schedule(() -> {}, 250, TimeUnit.MILLISECONDS).get(5, TimeUnit.SECONDS);
            assertThat(refreshes).hasValue(2);
        }
        assertThat(activity.listenerCount()).isZero();
    }

    private static List<Attempt> items(DashboardView view) {
        return view.grid().getListDataView().getItems().toList();
    }
}
