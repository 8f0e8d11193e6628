package dev.turnstile.dashboard.view;

import static org.assertj.core.api.Assertions.assertThat;

import com.vaadin.flow.router.QueryParameters;
import dev.turnstile.projections.query.Result;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DashboardFiltersTest {

    @Test
    void filters_survive_a_round_trip_through_the_address() {
        var filters = new DashboardFilters("hire", "convex-deploy", Result.BLOCKED, "3F9C", null);

        var query = filters.toQuery();

        assertThat(query.getParameters())
                .containsOnly(
                        Map.entry("project", List.of("hire")),
                        Map.entry("task", List.of("convex-deploy")),
                        Map.entry("result", List.of("blocked")),
                        Map.entry("sha", List.of("3f9c")));
        assertThat(DashboardFilters.from(query)).isEqualTo(filters);
    }

    @Test
    void the_range_is_in_the_address_unless_it_is_the_default() {
        var week = DashboardFilters.NONE.withProject("hire").withRange(TimeRange.WEEK);

        assertThat(week.toQuery().getQueryString()).isEqualTo("project=hire&range=7d");
        assertThat(DashboardFilters.from(week.toQuery())).isEqualTo(week);
        assertThat(DashboardFilters.NONE.withRange(TimeRange.DAY).toQuery().getQueryString())
                .isEmpty();
        assertThat(week.cleared()).isEqualTo(DashboardFilters.NONE.withRange(TimeRange.WEEK));
    }

    @Test
    void a_range_that_is_not_offered_is_dropped_and_said_so() {
        var filters = DashboardFilters.from(QueryParameters.full(Map.of("range", new String[] {"3w"})));

        assertThat(filters.range()).isEqualTo(TimeRange.DEFAULT);
        assertThat(filters.problem()).isEqualTo("range must be 1h, 24h or 7d; got \"3w\"");
    }

    @Test
    void no_filter_gives_an_empty_address_query() {
        assertThat(DashboardFilters.NONE.toQuery().getQueryString()).isEmpty();
        assertThat(DashboardFilters.from(QueryParameters.empty()).isEmpty()).isTrue();
    }

    @Test
    void blank_values_do_not_filter() {
        var filters = DashboardFilters.from(QueryParameters.full(Map.of("project", new String[] {"  "})));

        assertThat(filters.isEmpty()).isTrue();
        assertThat(filters.problem()).isNull();
    }

    @Test
    void a_result_that_is_not_granted_or_blocked_is_dropped_and_said_so() {
        var filters = DashboardFilters.from(
                QueryParameters.full(Map.of("project", new String[] {"hire"}, "result", new String[] {"maybe"})));

        assertThat(filters.result()).isNull();
        assertThat(filters.project()).isEqualTo("hire");
        assertThat(filters.problem()).contains("result must be \"granted\" or \"blocked\"");
    }

    @Test
    void a_sha_prefix_that_is_not_hexadecimal_is_dropped_and_said_so() {
        var filters = DashboardFilters.from(QueryParameters.full(Map.of("sha", new String[] {"xyz"})));

        assertThat(filters.shaPrefix()).isNull();
        assertThat(filters.problem()).contains("sha must be hexadecimal");
        assertThat(DashboardFilters.isShaPrefix("3f9C")).isTrue();
        assertThat(DashboardFilters.isShaPrefix("3f9g")).isFalse();
    }

    @Test
    void the_attempt_filter_carries_every_field() {
        var filter = new DashboardFilters("p", "t", Result.GRANTED, "ab", null).toAttemptFilter();

        assertThat(List.of(filter.project(), filter.task(), filter.result(), filter.shaPrefix()))
                .containsExactly("p", "t", Result.GRANTED, "ab");
    }
}
