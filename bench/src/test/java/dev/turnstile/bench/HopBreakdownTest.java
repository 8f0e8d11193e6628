package dev.turnstile.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class HopBreakdownTest {

    @Test
    void each_hop_is_the_time_between_two_consecutive_instants_of_a_claim() {
        // sent, taken by the gateway, command seen, decision seen, answered (microseconds)
        var claims =
                List.of(new long[] {0, 500, 1500, 3500, 4000}, new long[] {10_000, 10_400, 11_400, 13_000, 13_600});

        var hops = HopBreakdown.of(claims).hops();

        assertThat(hops).extracting(HopBreakdown.Hop::name).isEqualTo(HopBreakdown.NAMES);
        assertThat(hops.get(0).meanMs()).isCloseTo(0.45, within(1e-9));
        assertThat(hops.get(1).p50Ms()).isCloseTo(1.0, within(1e-9));
        assertThat(hops.get(2).p99Ms()).isCloseTo(2.0, within(1e-9));
        assertThat(hops.get(3).p50Ms()).isCloseTo(0.5, within(1e-9));
        assertThat(hops.get(4).p99Ms()).isCloseTo(4.0, within(1e-9));
    }

    @Test
    void percentiles_are_nearest_rank() {
        double[] sorted = new double[100];
        for (int i = 0; i < 100; i++) {
            sorted[i] = i + 1;
        }

        assertThat(HopBreakdown.percentile(sorted, 50)).isEqualTo(50);
        assertThat(HopBreakdown.percentile(sorted, 99)).isEqualTo(99);
        assertThat(HopBreakdown.percentile(new double[] {7}, 99)).isEqualTo(7);
        assertThat(HopBreakdown.percentile(new double[0], 50)).isNaN();
    }
}
