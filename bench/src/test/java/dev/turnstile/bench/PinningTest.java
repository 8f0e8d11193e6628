package dev.turnstile.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PinningTest {

    private static Optional<CpuSet> cpus(String list) {
        return Optional.of(CpuSet.parse(list));
    }

    @Test
    void on_two_cpus_the_load_generator_gets_cpu_0_and_the_system_under_test_cpu_1() {
        var pinning = Pinning.plan(true, cpus("0-1"), true, null, null);

        assertThat(pinning.active()).isTrue();
        assertThat(pinning.loadGenerator()).hasToString("0");
        assertThat(pinning.systemUnderTest()).hasToString("1");
        assertThat(pinning.describe()).contains("load generator on CPU 0").contains("on CPU 1 (taskset)");
    }

    @Test
    void larger_machines_are_split_in_half_with_the_odd_cpu_for_the_system_under_test() {
        assertThat(Pinning.plan(true, cpus("0-7"), true, null, null).systemUnderTest())
                .hasToString("4-7");
        var odd = Pinning.plan(true, cpus("0-2"), true, null, null);
        assertThat(odd.loadGenerator()).hasToString("0");
        assertThat(odd.systemUnderTest()).hasToString("1-2");
    }

    @Test
    void the_systems_processes_are_started_under_taskset_on_their_cpus() {
        var pinning = Pinning.plan(true, cpus("0-1"), true, null, null);

        assertThat(pinning.forSystem(List.of("java", "-jar", "turnstile.jar")))
                .containsExactly("taskset", "-c", "1", "java", "-jar", "turnstile.jar");
    }

    @Test
    void pinning_is_off_with_its_reason_where_it_cannot_be_done() {
        assertThat(Pinning.plan(true, cpus("0"), true, null, null).describe())
                .startsWith("not pinned: only CPU 0 may be used: separate CPUs need two or more");
        assertThat(Pinning.plan(true, cpus("0-1"), false, null, null).offReason())
                .contains("taskset is not installed");
        assertThat(Pinning.plan(true, Optional.empty(), true, null, null).offReason())
                .contains("unknown");
        assertThat(Pinning.plan(false, cpus("0-1"), true, null, null).describe())
                .isEqualTo(
                        "not pinned: turned off with --pin=off; the load generator and the systems under test share CPUs 0-1");
    }

    @Test
    void an_unpinned_command_runs_as_given() {
        var command = List.of("etcd");

        assertThat(Pinning.plan(false, cpus("0-1"), true, null, null).forSystem(command))
                .isEqualTo(command);
    }

    @Test
    void cpus_given_explicitly_must_be_allowed_disjoint_and_both_given() {
        assertThat(Pinning.plan(true, cpus("0-3"), true, CpuSet.parse("3"), CpuSet.parse("0-2"))
                        .systemUnderTest())
                .hasToString("0-2");
        assertThatThrownBy(() -> Pinning.plan(true, cpus("0-3"), true, CpuSet.parse("0-1"), CpuSet.parse("1-2")))
                .hasMessageContaining("must not overlap");
        assertThatThrownBy(() -> Pinning.plan(true, cpus("0-1"), true, CpuSet.parse("0"), CpuSet.parse("5")))
                .hasMessageContaining("must be among those this process may use (0-1)");
        assertThatThrownBy(() -> Pinning.plan(true, cpus("0-1"), true, CpuSet.parse("0"), null))
                .hasMessageContaining("Give both --load-generator-cpus and --system-cpus");
    }
}
