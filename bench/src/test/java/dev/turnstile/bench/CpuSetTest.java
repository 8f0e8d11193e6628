package dev.turnstile.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CpuSetTest {

    @Test
    void reads_single_cpus_and_ranges_as_taskset_writes_them() {
        assertThat(CpuSet.parse("0-3,6").cpus()).containsExactly(0, 1, 2, 3, 6);
        assertThat(CpuSet.parse(" 1 ").cpus()).containsExactly(1);
        assertThat(CpuSet.parse("5,2,2").cpus()).containsExactly(2, 5);
    }

    @Test
    void writes_consecutive_cpus_as_ranges() {
        assertThat(CpuSet.parse("0,1,2,3,6,8,9")).hasToString("0-3,6,8-9");
        assertThat(CpuSet.parse("1").describe()).isEqualTo("CPU 1");
        assertThat(CpuSet.parse("2-3").describe()).isEqualTo("CPUs 2-3");
    }

    @Test
    void splits_into_a_first_part_and_the_rest() {
        var cpus = CpuSet.parse("0-3");

        assertThat(cpus.first(2)).hasToString("0-1");
        assertThat(cpus.after(2)).hasToString("2-3");
    }

    @Test
    void a_malformed_list_is_refused_naming_the_bad_part() {
        assertThatThrownBy(() -> CpuSet.parse("0-x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'0-x' is not a CPU or range");
        assertThatThrownBy(() -> CpuSet.parse("3-1")).hasMessageContaining("is not a CPU list");
        assertThatThrownBy(() -> CpuSet.parse("")).hasMessageContaining("is not a CPU list");
    }
}
