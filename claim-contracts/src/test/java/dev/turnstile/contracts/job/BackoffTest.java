package dev.turnstile.contracts.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void a_fixed_backoff_waits_the_same_after_every_attempt() {
        var backoff = Backoff.fixed(10);

        assertThat(backoff.delayAfter(1)).isEqualTo(Duration.ofSeconds(10));
        assertThat(backoff.delayAfter(7)).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void an_exponential_backoff_doubles_after_each_attempt_up_to_its_cap() {
        var backoff = Backoff.exponential(5, 30);

        assertThat(backoff.delayAfter(1)).isEqualTo(Duration.ofSeconds(5));
        assertThat(backoff.delayAfter(2)).isEqualTo(Duration.ofSeconds(10));
        assertThat(backoff.delayAfter(3)).isEqualTo(Duration.ofSeconds(20));
        assertThat(backoff.delayAfter(4)).isEqualTo(Duration.ofSeconds(30));
        assertThat(backoff.delayAfter(100)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void a_zero_base_retries_at_once() {
        assertThat(Backoff.exponential(0, 0).delayAfter(50)).isZero();
    }

    @Test
    void a_cap_below_the_base_is_refused() {
        assertThatThrownBy(() -> Backoff.exponential(10, 5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("capSeconds must be at least baseSeconds (10)");
    }
}
