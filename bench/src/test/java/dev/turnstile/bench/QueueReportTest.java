package dev.turnstile.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueueReportTest {

    private static QueueLevelResult level(
            String system, int workers, double enqueues, double jobs, double claimP50, double claimP99) {
        return new QueueLevelResult(
                system,
                workers,
                1000,
                enqueues,
                1,
                2,
                1000,
                1000,
                1,
                jobs,
                claimP50,
                claimP99,
                claimP99,
                1,
                true,
                0,
                0,
                null,
                null,
                0.5,
                null,
                java.util.Map.of());
    }

    private static QueueReport report(List<QueueLevelResult> results) {
        return new QueueReport(null, null, null, null, java.util.Map.of(), results, List.of());
    }

    @Test
    void ratios_compare_the_first_system_with_each_peer_level_by_level() {
        var report = report(List.of(
                level("turnstile", 8, 2000, 1000, 4, 20),
                level("turnstile", 64, 3000, 1500, 8, 40),
                level("postgres-service", 8, 1000, 2000, 2, 10),
                level("postgres-service", 64, 1500, 1000, 4, 80)));

        assertThat(report.ratios())
                .containsExactly(
                        new QueueReport.QueueRatio("turnstile", "postgres-service", 8, 2.0, 0.5, 2.0, 2.0),
                        new QueueReport.QueueRatio("turnstile", "postgres-service", 64, 2.0, 1.5, 2.0, 0.5));
    }

    @Test
    void the_targets_are_jobs_per_second_against_the_postgresql_service_at_64_and_claim_p99_at_8() {
        var met = report(List.of(
                        level("turnstile", 8, 1, 1, 1, 24.9),
                        level("turnstile", 64, 1, 1500, 1, 1),
                        level("postgres-service", 64, 1, 1000, 1, 1)))
                .targets();
        var notMet = report(List.of(
                        level("turnstile", 8, 1, 1, 1, 30),
                        level("turnstile", 64, 1, 900, 1, 1),
                        level("postgres", 64, 1, 1000, 1, 1)))
                .targets();

        assertThat(met).extracting(Target::status).containsExactly(Target.Status.MET, Target.Status.MET);
        assertThat(notMet).extracting(Target::status).containsExactly(Target.Status.NOT_MET, Target.Status.NOT_MET);
        assertThat(notMet.getFirst().measured()).contains("postgres");
    }

    @Test
    void without_the_levels_a_target_is_not_measured_and_says_what_would_measure_it() {
        var targets = report(List.of(level("turnstile", 1, 1, 1, 1, 1))).targets();

        assertThat(targets)
                .extracting(Target::status)
                .containsExactly(Target.Status.NOT_MEASURED, Target.Status.NOT_MEASURED);
        assertThat(targets.get(1).measured()).isEqualTo("needs turnstile at 8 workers");
    }

    @Test
    void a_drain_gets_four_times_the_enqueue_phase_and_at_least_half_a_minute() {
        assertThat(QueuePeerRun.drainLimit(Duration.ofSeconds(3), Duration.ofSeconds(15)))
                .isEqualTo(Duration.ofSeconds(72));
        assertThat(QueuePeerRun.drainLimit(Duration.ofSeconds(1), Duration.ofSeconds(2)))
                .isEqualTo(Duration.ofSeconds(30));
    }
}
