package dev.turnstile.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

class ProcessStatsTest {

    @Test
    void cpu_ticks_are_the_processs_own_and_its_reaped_childrens_even_with_spaces_in_its_name() {
        // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime
        // ...
        var stat = "4242 (java (main) x) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 7 3 20 0 40 0 1000 0 0";

        assertThat(ProcessStats.cpuTicks(stat)).isEqualTo(250 + 50 + 7 + 3);
    }

    @Test
    void reads_kib_fields_of_status_and_smaps_rollup() {
        var status = "Name:\tjava\nVmPeak:\t 9999 kB\nVmRSS:\t  812345 kB\nThreads:\t80\n";

        assertThat(ProcessStats.kibField(status, "VmRSS:")).hasValue(812345);
        assertThat(ProcessStats.kibField("Rss: 10 kB\nPss:   7 kB\n", "Pss:")).hasValue(7);
        assertThat(ProcessStats.kibField(status, "Pss:")).isEmpty();
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void this_process_has_a_resident_set_and_cpu_time_on_linux() {
        var self = new ProcessStats(java.util.List.of(ProcessHandle.current()));

        assertThat(ProcessStats.rssBytes(ProcessHandle.current().pid()).orElseThrow())
                .isPositive();
        assertThat(self.cpuNanos().orElseThrow()).isPositive();
        assertThat(ProcessStats.none().cpuNanos()).isEmpty();
    }
}
