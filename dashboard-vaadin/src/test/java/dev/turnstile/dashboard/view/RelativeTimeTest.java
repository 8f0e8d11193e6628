package dev.turnstile.dashboard.view;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RelativeTimeTest {

    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

    @Test
    void ages_read_in_the_largest_whole_unit() {
        assertThat(RelativeTime.ago(NOW.minusSeconds(12), NOW)).isEqualTo("12s ago");
        assertThat(RelativeTime.ago(NOW.minus(Duration.ofMinutes(5)).minusSeconds(59), NOW))
                .isEqualTo("5m ago");
        assertThat(RelativeTime.ago(NOW.minus(Duration.ofHours(3)), NOW)).isEqualTo("3h ago");
        assertThat(RelativeTime.ago(NOW.minus(Duration.ofDays(2)).minusSeconds(1), NOW))
                .isEqualTo("2d ago");
    }

    @Test
    void unit_boundaries_roll_over_at_60_seconds_60_minutes_and_24_hours() {
        assertThat(RelativeTime.ago(NOW.minusSeconds(59), NOW)).isEqualTo("59s ago");
        assertThat(RelativeTime.ago(NOW.minusSeconds(60), NOW)).isEqualTo("1m ago");
        assertThat(RelativeTime.ago(NOW.minus(Duration.ofMinutes(60)), NOW)).isEqualTo("1h ago");
        assertThat(RelativeTime.ago(NOW.minus(Duration.ofHours(24)), NOW)).isEqualTo("1d ago");
    }

    @Test
    void a_time_at_or_after_now_reads_just_now() {
        assertThat(RelativeTime.ago(NOW, NOW)).isEqualTo("just now");
        assertThat(RelativeTime.ago(NOW.plusSeconds(2), NOW)).isEqualTo("just now");
    }

    @Test
    void the_exact_time_is_in_utc_to_the_millisecond() {
        assertThat(RelativeTime.exact(Instant.parse("2026-11-23T09:08:07.654Z")))
                .isEqualTo("2026-11-23 09:08:07.654 UTC");
    }
}
