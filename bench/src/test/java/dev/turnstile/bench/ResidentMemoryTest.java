package dev.turnstile.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ResidentMemoryTest {

    /** Cut from {@code jcmd <pid> System.map} of JDK 25 with NMT on. */
    private static final String MAP = """
            from               to                        vsize prot          rss      hugetlb pgsz notes            info                                  file
            ========================================================================================================================================================================
            0x000000009d001000-0x000000009dd95000     14237696 rw-p     14098432            0 4K   com              CDS                                   /usr/lib/jvm/temurin-25-jdk-amd64/lib/server/classes.jsa
            0x000000009e040000-0x000000009e150000      1114112 rw-p      1069056            0 4K   com              CLASS                                 -
            0x0000000687400000-0x000000069f000000    398458880 rw-p     19963904            0 4K   com              JAVAHEAP                              -
            0x000000069f000000-0x00000007ffc00000   5918162944 ---p            0            0 4K   -                JAVAHEAP                              -
            0x00007f0e4c000000-0x00007f0e4c021000       135168 rw-p       126976            0 4K   -                STACK-2697-C2-CompilerThread0         -
            0x000055900973d000-0x000055900973e000         4096 r-xp         4096            0 4K   com              -                                     /usr/lib/jvm/temurin-25-jdk-amd64/bin/java
            0x0000559034206000-0x000055903424f000       299008 rw-p        98304            0 4K   com              -                                     [heap]
            0x00007f0820000000-0x00007f08206db000      7188480 rw-p      7081984            0 4K   -                -                                     -
            """;

    @Test
    void sorts_resident_mappings_into_heap_the_jvms_own_files_and_anonymous_memory() {
        var resident = ResidentMemory.parse(MAP);

        assertThat(resident.heapKib()).isEqualTo(19963904 / 1024);
        assertThat(resident.jvmMappedKib()).isEqualTo((14098432 + 1069056 + 126976) / 1024);
        assertThat(resident.filesKib()).isEqualTo(4096 / 1024);
        assertThat(resident.anonymousKib()).isEqualTo(98304 / 1024 + 7081984 / 1024);
    }

    @Test
    void output_that_is_not_a_map_is_refused_saying_what_is_needed() {
        assertThatThrownBy(() -> ResidentMemory.parse("4242:\nUnknown diagnostic command\n"))
                .hasMessageContaining("JDK 22 or newer on Linux");
    }
}
