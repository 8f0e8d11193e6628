package dev.turnstile.bench;

import static dev.turnstile.bench.RatioTest.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class TargetTest {

    private static SystemMemory rss(long mib, double seconds) {
        return new SystemMemory(
                "turnstile",
                "the all-in-one JVM",
                List.of(new MemorySampler.Sample(seconds, mib << 20, mib << 20)),
                null,
                null);
    }

    @Test
    void each_target_is_met_or_not_with_its_figure() {
        var results = List.of(
                result("turnstile", 1, 300, 2.5, 12),
                result("turnstile", 8, 1500, 6, 30),
                result("turnstile", 64, 6000, 12, 45),
                result("postgres-service", 64, 5000, 10, 50));

        var targets = Target.of(results, rss(900, 700), Duration.ofMinutes(10));

        assertThat(targets)
                .extracting(Target::rule, Target::status)
                .containsExactly(
                        tuple("64 agents: claims/s >= 1.0x the PostgreSQL service's", Target.Status.MET),
                        tuple("64 agents: p99 <= 50 ms", Target.Status.MET),
                        tuple("1 agent: p50 <= 3 ms", Target.Status.MET),
                        tuple("1 agent: p99 <= 10 ms", Target.Status.NOT_MET),
                        tuple("8 agents: p50 <= 2x the 1-agent p50", Target.Status.NOT_MET),
                        tuple("all-in-one RSS <= 1 GiB after 10 minutes at 64 agents", Target.Status.MET));
        assertThat(targets.getFirst().measured()).isEqualTo("x1.20 (6,000 vs 5,000 claims/s)");
        assertThat(targets.get(4).measured()).isEqualTo("x2.40 (6.00 vs 2.50 ms)");
    }

    @Test
    void targets_this_run_cannot_judge_say_what_would_measure_them() {
        var targets = Target.of(List.of(result("turnstile", 64, 6000, 12, 45)), rss(1500, 60), Duration.ofSeconds(18));

        assertThat(targets.getFirst().status()).isEqualTo(Target.Status.NOT_MEASURED);
        assertThat(targets.getFirst().measured()).isEqualTo("needs turnstile and postgres-service at 64 agents");
        assertThat(targets.getLast().status()).isEqualTo(Target.Status.NOT_MEASURED);
        assertThat(targets.getLast().measured())
                .contains("1,500 MiB at the end of this shorter run")
                .contains("--long-run");
    }
}
