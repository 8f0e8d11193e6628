package dev.turnstile.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MachineTest {

    @Test
    void reads_the_cpu_model_memory_and_distribution_from_their_proc_and_etc_files() {
        assertThat(Machine.cpuModel("processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7B13\n"))
                .isEqualTo("AMD EPYC 7B13");
        assertThat(Machine.memTotalBytes("MemTotal:       24634412 kB\nMemFree: 1 kB\n"))
                .isEqualTo(24634412L * 1024);
        assertThat(Machine.prettyName("NAME=\"Debian GNU/Linux\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"))
                .isEqualTo("Debian GNU/Linux 12 (bookworm)");
        assertThat(Machine.loadAverage("9.00 14.75 14.51 3/412 22441\n")).isEqualTo(9.0);
    }

    @Test
    void a_cgroup_cpu_limit_is_shown_in_cpus_and_no_limit_as_none() {
        assertThat(Machine.cpuQuota("150000 100000\n")).isEqualTo("1.5 CPUs");
        assertThat(Machine.cpuQuota("max 100000\n")).isNull();
    }

    @Test
    void a_machine_whose_load_exceeds_half_its_cpus_is_called_busy_in_the_report() {
        var busy = new Machine("AMD EPYC", 2, "0-1", null, 1L << 34, "JDK", "Debian", 9.0);
        var quiet = new Machine("AMD EPYC", 2, "0-1", null, 1L << 34, "JDK", "Debian", 0.2);

        assertThat(busy.describeLines()).contains("the machine was busy");
        assertThat(quiet.describeLines()).doesNotContain("busy").contains("AMD EPYC, 2 CPUs online");
    }
}
