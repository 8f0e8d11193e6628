package dev.turnstile.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class RatioTest {

    static LevelResult result(String system, int agents, double claimsPerSecond, double p50, double p99) {
        return new LevelResult(
                system,
                agents,
                1000,
                0,
                10,
                claimsPerSecond,
                p50,
                p50 * 1.5,
                p99,
                p99 * 2,
                500,
                0,
                0.9,
                150.0,
                0.3,
                null,
                java.util.Map.of());
    }

    @Test
    void each_peer_is_compared_level_by_level_in_the_order_measured() {
        var results = List.of(
                result("turnstile", 1, 200, 4, 20),
                result("turnstile", 64, 4000, 12, 40),
                result("postgres-service", 1, 400, 2, 5),
                result("postgres-service", 64, 5000, 10, 50),
                result("etcd", 64, 4000, 12, 80));

        var ratios = Ratio.of(results, "turnstile");

        assertThat(ratios)
                .extracting(Ratio::peer, Ratio::agents)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("postgres-service", 1),
                        org.assertj.core.groups.Tuple.tuple("postgres-service", 64),
                        org.assertj.core.groups.Tuple.tuple("etcd", 64));
        var first = ratios.getFirst();
        assertThat(first.throughput()).isCloseTo(0.5, within(1e-9));
        assertThat(first.p50()).isCloseTo(2.0, within(1e-9));
        assertThat(first.p99()).isCloseTo(4.0, within(1e-9));
        assertThat(ratios.get(1).p99()).isCloseTo(0.8, within(1e-9));
    }

    @Test
    void a_level_the_peer_did_not_run_has_no_ratio() {
        var results = List.of(result("turnstile", 8, 1000, 5, 20), result("etcd", 64, 4000, 12, 80));

        assertThat(Ratio.of(results, "turnstile")).isEmpty();
    }
}
