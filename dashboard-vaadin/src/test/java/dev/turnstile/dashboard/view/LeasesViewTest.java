package dev.turnstile.dashboard.view;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnstile.contracts.claim.TaskKey;
import dev.turnstile.dashboard.DashboardSettings;
import dev.turnstile.projections.activity.Decisions;
import dev.turnstile.projections.activity.InMemoryActivity;
import dev.turnstile.projections.query.Lease;
import dev.turnstile.projections.query.LeaseState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

class LeasesViewTest {

    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

    private static Lease lease(String holder, LeaseState state, Instant expiresAt, Instant endedAt, String outcome) {
        return new Lease(
                "hire:deploy:3f9c2ab",
                "hire",
                "deploy",
                "3f9c2ab",
                holder,
                2,
                state,
                NOW.minusSeconds(60),
                expiresAt,
                endedAt,
                outcome);
    }

    @Test
    void each_state_reads_as_a_user_expects() {
        assertThat(LeasesView.describe(lease("a", LeaseState.ACTIVE, NOW.plusSeconds(12), null, null), NOW))
                .isEqualTo("expires in 12s");
        assertThat(LeasesView.describe(lease("a", LeaseState.ACTIVE, NOW.minusSeconds(1), null, null), NOW))
                .isEqualTo("past its expiry, awaiting the announcement");
        assertThat(LeasesView.describe(lease("a", LeaseState.EXPIRED, NOW, NOW.minusSeconds(180), null), NOW))
                .isEqualTo("expired 3m ago");
        assertThat(LeasesView.describe(lease("a", LeaseState.RELEASED, NOW, NOW.minusSeconds(300), null), NOW))
                .isEqualTo("released 5m ago");
        assertThat(LeasesView.describe(lease("a", LeaseState.COMPLETED, NOW, NOW.minusSeconds(3600), "succeeded"), NOW))
                .isEqualTo("succeeded 1h ago");
    }

    @Test
    void the_tabs_show_the_leases_of_one_state() {
        var activity = new InMemoryActivity(Clock.fixed(NOW, ZoneOffset.UTC));
        var decisions = new Decisions();
        var running = decisions.lease(
                new TaskKey("hire", "deploy", "3f9c2ab"), "holder-a", 1, NOW.minusSeconds(60), Duration.ofSeconds(90));
        var lost = decisions.lease(
                new TaskKey("hire", "deploy", "0a1b2c3"), "holder-b", 1, NOW.minusSeconds(60), Duration.ofSeconds(30));
        activity.apply(running, lost, decisions.expire(lost, NOW.minusSeconds(5)));
        var scheduler = Executors.newSingleThreadScheduledExecutor();
        try {
            var view = new LeasesView(
                    activity,
                    new DashboardSettings(
                            Clock.fixed(NOW, ZoneOffset.UTC),
                            scheduler,
                            Duration.ofMillis(50),
                            Duration.ofSeconds(15),
                            50,
                            List.of()));

            view.select(LeaseState.ACTIVE);
            assertThat(view.grid().getListDataView().getItems().map(Lease::holder))
                    .containsExactly("holder-a");
            view.select(LeaseState.EXPIRED);
            assertThat(view.grid().getListDataView().getItems().map(Lease::holder))
                    .containsExactly("holder-b");
        } finally {
            scheduler.shutdownNow();
        }
    }

    @Test
    void each_tab_has_an_address_and_the_active_one_is_the_plain_page() {
        assertThat(LeasesView.query(LeaseState.EXPIRED).getQueryString()).isEqualTo("state=expired");
        assertThat(LeasesView.query(LeaseState.COMPLETED).getQueryString()).isEqualTo("state=completed");
        assertThat(LeasesView.query(LeaseState.ACTIVE).getQueryString()).isEmpty();
    }
}
