package dev.turnstile.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JvmErgonomicsTest {

    @Test
    void reads_the_collector_and_heap_the_jvm_chose() {
        var flags = """
                     int ActiveProcessorCount                     = -1                                        {product} {default}
                  size_t MaxHeapSize                              = 6320816128                                {product} {ergonomic}
                    bool UseG1GC                                  = false                                     {product} {default}
                    bool UseMaximumCompactionOnSystemGC           = true                                      {product} {default}
                    bool UseSerialGC                              = true                                      {product} {ergonomic}
                """;

        assertThat(JvmErgonomics.parse(flags)).isEqualTo("Serial GC, max heap 5.9 GiB");
    }

    @Test
    void an_assumed_processor_count_is_shown() {
        var flags = "int ActiveProcessorCount = 2 {product}\nsize_t MaxHeapSize = 536870912\nbool UseZGC = true\n";

        assertThat(JvmErgonomics.parse(flags)).isEqualTo("Z GC, max heap 0.5 GiB, 2 CPUs assumed");
    }
}
