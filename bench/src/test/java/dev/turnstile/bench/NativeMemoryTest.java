package dev.turnstile.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NativeMemoryTest {

    /** Cut from {@code jcmd <pid> VM.native_memory summary} of JDK 25. */
    private static final String SUMMARY = """
            22441:

            Native Memory Tracking:

            (Omitting categories weighting less than 1KB)

            Total: reserved=7745262KB, committed=487182KB
                   malloc: 21370KB #45942, peak=27839KB #46140
                   mmap:   reserved=7723892KB, committed=465812KB

            -                 Java Heap (reserved=6172672KB, committed=393216KB)
                                        (mmap: reserved=6172672KB, committed=393216KB, at peak)

            -                     Class (reserved=1048771KB, committed=1411KB)
                                        (classes #2849)

            -                    Thread (reserved=19518KB, committed=970KB)
                                        (threads #19)

            -                      Code (reserved=248519KB, committed=8375KB)

            -                        GC (reserved=158272KB, committed=45392KB)

            -                     Other (reserved=10250KB, committed=10250KB)
                                        (malloc=10250KB tag=Other #3) (at peak)

            -                    Symbol (reserved=2645KB, committed=2645KB)

            -        Shared class space (reserved=16384KB, committed=13908KB, readonly=0KB)

            -                 Metaspace (reserved=65576KB, committed=8360KB)
            """;

    @Test
    void reads_the_total_and_each_category_committed() {
        var nmt = NativeMemory.parse(SUMMARY);

        assertThat(nmt.totalCommittedKib()).isEqualTo(487182);
        assertThat(nmt.heapKib()).isEqualTo(393216);
        assertThat(nmt.metaspaceKib()).isEqualTo(8360 + 1411);
        assertThat(nmt.directBuffersKib()).isEqualTo(10250);
        assertThat(nmt.committedKib()).containsEntry("Shared class space", 13908L);
        assertThat(nmt.restOfJvmKib()).isEqualTo(487182 - 393216 - 8360 - 1411 - 10250 - 970 - 8375 - 45392);
    }

    @Test
    void the_committed_figures_come_with_what_is_resident_when_known() {
        var nmt = NativeMemory.parse(SUMMARY);
        var resident = new ResidentMemory(300 * 1024, 60 * 1024, 30 * 1024, 250 * 1024);

        assertThat(nmt.mallocKib()).isEqualTo(21370);
        assertThat(nmt.describe())
                .startsWith("committed: heap 384 MiB, metaspace 10 MiB, direct buffers 10 MiB")
                .contains("NMT total 476 MiB (malloc 21 MiB)")
                .contains("what is resident is unknown");
        assertThat(nmt.withResident(resident).describe())
                .contains("resident 640 MiB: Java heap 300 MiB (384 MiB committed)")
                .contains("anonymous 250 MiB = the JVM's malloc 21 MiB (NMT; direct buffers 10 MiB of it)")
                .contains("about 229 MiB outside the JVM's accounting (RocksDB, malloc arenas)");
    }

    @Test
    void text_that_is_not_a_summary_is_refused_saying_how_to_get_one() {
        assertThatThrownBy(() -> NativeMemory.parse("22441:\nNative memory tracking is not enabled\n"))
                .hasMessageContaining("-XX:NativeMemoryTracking=summary");
    }
}
