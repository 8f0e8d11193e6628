package dev.turnstile.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class WarmUpTest {

    /** Windows that answer {@code rates} in turn, recording the lengths asked for. */
    private static final class Scripted implements WarmUp.Window {
        final Iterator<Double> rates;
        final List<Duration> lengths = new ArrayList<>();

        Scripted(Double... rates) {
            this.rates = List.of(rates).iterator();
        }

        @Override
        public double run(Duration length, int index) {
            assertThat(index).isEqualTo(lengths.size());
            lengths.add(length);
            return rates.next();
        }
    }

    @Test
    void a_system_still_compiling_is_warmed_up_until_two_windows_agree() throws Exception {
        // The all-in-one's first minutes at 64 agents on one CPU, as measured.
        var window = new Scripted(198.0, 387.0, 556.0, 814.0, 1_378.0, 1_312.0, 1_345.0);

        var outcome = WarmUp.run(Duration.ofSeconds(45), Duration.ofMinutes(5), window);

        assertThat(outcome.steady()).isTrue();
        assertThat(outcome.rates()).containsExactly(198.0, 387.0, 556.0, 814.0, 1_378.0, 1_312.0);
        assertThat(window.lengths.getFirst()).isEqualTo(Duration.ofSeconds(45));
        assertThat(window.lengths.subList(1, window.lengths.size())).containsOnly(WarmUp.WINDOW);
        assertThat(outcome.took()).isEqualTo(Duration.ofSeconds(45 + 5 * 15));
        assertThat(outcome.ratesText()).isEqualTo("198 → 387 → 556 → 814 → 1,378 → 1,312");
        assertThat(outcome.verdict()).isEqualTo("steady");
    }

    @Test
    void a_system_steady_at_once_takes_the_minimum_and_one_window() throws Exception {
        var outcome = WarmUp.run(Duration.ofSeconds(45), Duration.ofMinutes(5), new Scripted(2_480.0, 2_500.0));

        assertThat(outcome.steady()).isTrue();
        assertThat(outcome.took()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void a_system_that_never_settles_stops_at_the_maximum_and_says_so() throws Exception {
        var rising = new Double[40];
        for (int i = 0; i < rising.length; i++) {
            rising[i] = 100.0 * (i + 1);
        }

        var outcome = WarmUp.run(Duration.ofSeconds(45), Duration.ofSeconds(90), new Scripted(rising));

        assertThat(outcome.steady()).isFalse();
        assertThat(outcome.took()).isEqualTo(Duration.ofSeconds(90));
        assertThat(outcome.rates()).hasSize(4);
        assertThat(outcome.verdict()).isEqualTo("NOT STEADY within --system-warmup-max");
    }

    @Test
    void a_fixed_warm_up_runs_the_minimum_only_and_none_runs_nothing() throws Exception {
        var fixed = WarmUp.run(Duration.ofSeconds(10), Duration.ofSeconds(10), new Scripted(300.0));
        assertThat(fixed.rates()).containsExactly(300.0);
        assertThat(fixed.steady()).isFalse();
        assertThat(fixed.verdict()).startsWith("a fixed warm-up, not checked for steadiness");

        var none = WarmUp.run(Duration.ZERO, Duration.ZERO, new Scripted());
        assertThat(none.rates()).isEmpty();
        assertThat(none.took()).isEqualTo(Duration.ZERO);
    }

    @Test
    void steady_means_within_five_percent_of_the_window_before() {
        assertThat(WarmUp.steady(1_000, 1_050)).isTrue();
        assertThat(WarmUp.steady(1_000, 950)).isTrue();
        assertThat(WarmUp.steady(1_000, 1_051)).isFalse();
        assertThat(WarmUp.steady(0, 0)).isFalse();
    }
}
