package dev.turnstile.bench;

import static dev.turnstile.bench.RatioTest.result;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {

    private final List<LevelResult> results = List.of(
            result("turnstile", 1, 200, 4, 20),
            result("turnstile", 64, 4000, 12, 40),
            result("postgres-service", 1, 400, 2, 5),
            result("postgres-service", 64, 5000, 10, 50));

    private final Report report = new Report(
            Instant.parse("2026-11-26T02:00:00Z"),
            new Machine("AMD EPYC", 2, "0-1", null, 24L << 30, "Eclipse Adoptium 25", "Debian 12", 0.1),
            Pinning.plan(true, Optional.of(CpuSet.parse("0-1")), true, null, null),
            "Serial GC, max heap 5.9 GiB",
            Map.of("agents", List.of(1, 64)),
            results,
            List.of(new SystemMemory(
                    "turnstile",
                    "the all-in-one JVM",
                    List.of(new MemorySampler.Sample(1, 700L << 20, 690L << 20)),
                    null,
                    "not asked for (--nmt)")),
            Target.of(results, null, Duration.ZERO),
            null);

    private String printed() {
        var bytes = new ByteArrayOutputStream();
        report.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void ratios_come_first_then_the_absolute_figures_with_machine_and_pinning_then_memory_and_targets() {
        var text = printed();

        int ratios = text.indexOf("== turnstile against each peer");
        int absolute = text.indexOf("== Absolute figures");
        int machine = text.indexOf("Machine: AMD EPYC, 2 CPUs online");
        int pinning = text.indexOf("Pinning: load generator on CPU 0");
        assertThat(text).contains("JVMs under test: Serial GC, max heap 5.9 GiB");
        int memory = text.indexOf("== Memory of the systems under test");
        int targets = text.indexOf("== Targets");
        assertThat(List.of(ratios, absolute, machine, pinning, memory, targets))
                .doesNotContain(-1)
                .isSorted();
    }

    @Test
    void the_ratios_name_the_peer_and_give_throughput_p50_and_p99_per_level() {
        var text = printed();

        assertThat(text).contains("vs postgres-service: the HTTP claim service a team would write instead");
        assertThat(text).containsPattern("\\n\\s+1\\s+x0\\.50\\s+x2\\.00\\s+x4\\.00\\n");
        assertThat(text).containsPattern("\\n\\s+64\\s+x0\\.80\\s+x1\\.20\\s+x0\\.80\\n");
    }

    @Test
    void memory_is_reported_as_rss_of_the_jvm_and_pss_of_all_processes() {
        assertThat(printed())
                .contains("turnstile: the all-in-one JVM RSS 700 MiB at the end, peak 700 MiB;"
                        + " all its processes (PSS) 690 MiB");
    }

    @Test
    void writes_the_json_and_the_charts(@TempDir Path dir) throws Exception {
        var written = report.write(dir);

        assertThat(written)
                .extracting(path -> path.getFileName().toString())
                .containsExactly("results.json", "throughput.png", "p50.png", "p99.png", "memory.png");
        var json = Files.readString(dir.resolve("results.json"));
        assertThat(json)
                .contains("\"subject\" : \"turnstile\"")
                .contains("\"ratios\"")
                .contains("\"cpuModel\" : \"AMD EPYC\"")
                .contains("\"loadGenerator\" : \"0\"");
    }
}
