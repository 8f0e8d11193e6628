package dev.turnstile.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RetrySettingsTest {

    private static final RetrySettings DEFAULTS = RetrySettings.DEFAULTS;

    @Test
    void the_defaults_are_four_attempts_with_backoff_from_200_ms_to_3_s() {
        assertThat(DEFAULTS.maxAttempts()).isEqualTo(4);
        assertThat(DEFAULTS.initialBackoff()).isEqualTo(Duration.ofMillis(200));
        assertThat(DEFAULTS.maxBackoff()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void the_backoff_doubles_after_each_retry_until_the_cap() {
        var pauses = IntStream.rangeClosed(1, 6)
                .mapToObj(retry ->
                        DEFAULTS.delayBefore(retry, Optional.empty(), 0.0).toMillis())
                .toList();

        assertThat(pauses).containsExactly(200L, 400L, 800L, 1600L, 3000L, 3000L);
    }

    @Test
    void jitter_only_lengthens_a_pause_and_never_past_the_cap() {
        assertThat(DEFAULTS.delayBefore(1, Optional.empty(), 0.999))
                .isBetween(Duration.ofMillis(249), Duration.ofMillis(250));
        assertThat(DEFAULTS.delayBefore(5, Optional.empty(), 0.999)).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void a_retry_after_longer_than_the_backoff_is_waited_for() {
        assertThat(DEFAULTS.delayBefore(1, Optional.of(Duration.ofSeconds(2)), 0.0))
                .isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void a_retry_after_longer_than_the_cap_waits_only_the_cap() {
        assertThat(DEFAULTS.delayBefore(1, Optional.of(Duration.ofMinutes(5)), 0.5))
                .isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void a_retry_after_shorter_than_the_backoff_does_not_shorten_it() {
        assertThat(DEFAULTS.delayBefore(3, Optional.of(Duration.ZERO), 0.0)).isEqualTo(Duration.ofMillis(800));
    }

    @Test
    void a_huge_retry_count_does_not_overflow() {
        assertThat(DEFAULTS.delayBefore(1_000, Optional.empty(), 0.0)).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void at_least_one_attempt_is_required() {
        assertThatThrownBy(() -> DEFAULTS.withMaxAttempts(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxAttempts must be at least 1");
    }
}
