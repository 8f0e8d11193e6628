package dev.turnstile.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ThreadCpuTest {

    @Test
    void threads_are_sorted_into_the_hops_of_the_claim_path_by_name() {
        assertThat(ThreadCpu.groupOf("ForkJoinPool-1-worker-3")).startsWith("HTTP requests on virtual threads");
        assertThat(ThreadCpu.groupOf("kafka-producer-network-thread | turnstile-gateway-commands-1"))
                .isEqualTo("gateway producer (commands)");
        assertThat(ThreadCpu.groupOf(
                        "kafka-producer-network-thread | turnstile-claim-processor-4ed1-StreamThread-1-producer"))
                .startsWith("processor producer");
        assertThat(ThreadCpu.groupOf("turnstile-claim-processor-4ed1-6ea-StreamThread-1"))
                .startsWith("Kafka Streams thread");
        assertThat(ThreadCpu.groupOf("turnstile-claim-processor-4ed1-6ea-StateUpdater-1"))
                .startsWith("other Kafka threads");
        assertThat(ThreadCpu.groupOf("data-plane-kafka-request-handler-7")).isEqualTo("broker request handlers");
        assertThat(ThreadCpu.groupOf("data-plane-kafka-network-thread-1-PLAINTEXT-PLAINTEXT-0"))
                .isEqualTo("broker network threads");
        assertThat(ThreadCpu.groupOf("decision-listener")).startsWith("gateway decision listener");
        assertThat(ThreadCpu.groupOf("C2 CompilerThread0")).startsWith("JVM:");
        assertThat(ThreadCpu.groupOf("VM Thread")).startsWith("JVM:");
        assertThat(ThreadCpu.groupOf("Signal Dispatcher")).isEqualTo(ThreadCpu.OTHER);
    }

    @Test
    void a_kernel_name_cut_to_15_characters_goes_to_the_first_group_its_full_name_could_be_in() {
        assertThat(ThreadCpu.groupOfTruncated("ForkJoinPool-1-")).startsWith("HTTP requests on virtual threads");
        assertThat(ThreadCpu.groupOfTruncated("C2 CompilerThre")).startsWith("JVM:");
        assertThat(ThreadCpu.groupOfTruncated("claims:housekee")).startsWith("connection pool");
        assertThat(ThreadCpu.groupOfTruncated("rocksdb:low")).startsWith("RocksDB");
        assertThat(ThreadCpu.groupOfTruncated("java")).isEqualTo(ThreadCpu.OTHER);
    }

    @Test
    void reads_thread_names_by_native_id_from_a_thread_dump() {
        var dump = """
                "C2 CompilerThread0" #11 [3627] daemon prio=9 os_prio=0 cpu=12063.37ms elapsed=89.72s tid=0x00007ff750077ad0 nid=3627 runnable  [0x0000000000000000]
                "VM Thread" os_prio=0 cpu=706.36ms elapsed=89.85s tid=0x00007ff7500631f0 nid=3621 runnable
                "kafka-producer-network-thread | turnstile-gateway-commands-1" #90 daemon prio=5 os_prio=0 tid=0x00007f nid=0x1f4 runnable
                """;

        assertThat(ThreadCpu.names(dump))
                .containsEntry(3627L, "C2 CompilerThread0")
                .containsEntry(3621L, "VM Thread")
                .containsEntry(500L, "kafka-producer-network-thread | turnstile-gateway-commands-1");
    }
}
