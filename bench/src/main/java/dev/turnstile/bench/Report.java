package dev.turnstile.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChartBuilder;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a run found, in the order a reader needs it: the ratios against each peer first (they hold from machine to
 * machine far better than absolute figures), then the absolute figures with the machine and pinning they were
 * measured on, memory, and issue 13's targets. Written as text, JSON and PNG charts.
 *
 * @param startedAt when the run started
 * @param machine where it ran
 * @param pinning how the CPUs were shared
 * @param jvmUnderTest what the JVMs under test chose for themselves on the systems' CPUs (collector, heap)
 * @param settings the run's settings, as given
 * @param results every level of every system, in the order measured
 * @param memory each system's memory over its run (systems not started here have none)
 * @param targets issue 13's targets
 * @param hops where one agent's claim spends its time in Turnstile, or null when not measured
 */
record Report(
        Instant startedAt,
        Machine machine,
        Pinning pinning,
        String jvmUnderTest,
        Map<String, Object> settings,
        List<LevelResult> results,
        List<SystemMemory> memory,
        List<Target> targets,
        HopBreakdown hops) {

    /** The system the others are compared with: the first one measured (Turnstile by default). */
    String subject() {
        return results.isEmpty() ? "turnstile" : results.getFirst().system();
    }

    List<Ratio> ratios() {
        return Ratio.of(results, subject());
    }

    void print(PrintStream out) {
        printRatios(out);
        printAbsolute(out);
        printMemory(out);
        printCpuByThread(out);
        if (hops != null) {
            out.printf("%n== Where one agent's claim spends its time in %s ==%n", subject());
            hops.describeLines().forEach(line -> out.println("  " + line));
        }
        out.printf("%n== Targets (issue 13; Turnstile) ==%n");
        targets.forEach(t -> out.printf("  %-14s %-56s %s%n", "[" + t.status() + "]", t.rule(), t.measured()));
        results.stream()
                .filter(r -> r.doubleGrants() > 0)
                .forEach(r -> out.printf(
                        "%nDOUBLE GRANTS: %s at %d agents told %d keys' claims to two different agents%n",
                        r.system(), r.agents(), r.doubleGrants()));
    }

    private void printRatios(PrintStream out) {
        var ratios = ratios();
        out.printf("%n== %s against each peer: same run, same machine, same workload ==%n", subject());
        if (ratios.isEmpty()) {
            out.println("  (no peer measured at the same levels: run two or more with --peers)");
            return;
        }
        out.printf("Throughput ratio > 1 and latency ratios < 1 favour %s.%n", subject());
        String peer = null;
        for (var ratio : ratios) {
            if (!ratio.peer().equals(peer)) {
                peer = ratio.peer();
                out.printf("%nvs %s: %s%n", peer, describe(peer));
                out.printf("  %6s  %10s  %8s  %8s%n", "agents", "throughput", "p50", "p99");
            }
            out.printf(
                    Locale.ROOT,
                    "  %6d  %10s  %8s  %8s%n",
                    ratio.agents(),
                    times(ratio.throughput()),
                    times(ratio.p50()),
                    times(ratio.p99()));
        }
    }

    private void printAbsolute(PrintStream out) {
        out.printf("%n== Absolute figures (they hold for this machine only) ==%n");
        out.printf(
                "%-17s %6s %10s %8s %8s %8s %9s %7s %10s %10s %9s%n",
                "system",
                "agents",
                "claims/s",
                "p50 ms",
                "p95 ms",
                "p99 ms",
                "max ms",
                "errors",
                "CPU cores",
                "CPU us/cl",
                "loadgen");
        for (var r : results) {
            out.printf(
                    Locale.ROOT,
                    "%-17s %6d %,10.0f %8.2f %8.2f %8.2f %9.2f %7d %10s %10s %8.0f%%%n",
                    r.system(),
                    r.agents(),
                    r.claimsPerSecond(),
                    r.p50Ms(),
                    r.p95Ms(),
                    r.p99Ms(),
                    r.maxMs(),
                    r.errors(),
                    r.systemCpuCores() == null ? "-" : String.format(Locale.ROOT, "%.2f", r.systemCpuCores()),
                    r.systemCpuMicrosPerClaim() == null
                            ? "-"
                            : String.format(Locale.ROOT, "%.0f", r.systemCpuMicrosPerClaim()),
                    r.loadGeneratorCpuShare() * 100);
        }
        out.println("CPU cores: CPU the system under test used (with its database or broker), 1.00 = one CPU busy;"
                + " CPU us/cl: its CPU time per claim; loadgen: how busy the load generator's CPUs were (near 100 %"
                + " the load generator, not the system, limits the level).");
        results.stream()
                .filter(r -> r.firstError() != null)
                .forEach(r -> out.printf(
                        "Errors of %s at %d agents, the first: %s%n", r.system(), r.agents(), r.firstError()));
        out.println();
        out.println(machine.describeLines());
        out.println("Pinning: " + pinning.describe());
        out.println("JVMs under test: " + jvmUnderTest);
        out.println("Settings: " + settings);
    }

    /** Each JVM under test at its busiest level: where its CPU went, by hop. */
    private void printCpuByThread(PrintStream out) {
        for (var system : results.stream().map(LevelResult::system).distinct().toList()) {
            results.stream()
                    .filter(r -> r.system().equals(system) && !r.cpuByThread().isEmpty())
                    .max(java.util.Comparator.comparingInt(LevelResult::agents))
                    .ifPresent(r -> {
                        double jvm = r.cpuByThread().values().stream()
                                .mapToDouble(Double::doubleValue)
                                .sum();
                        // Both sums count whole 10 ms ticks, per thread here and per process there: they differ a
                        // little.
                        out.printf(
                                Locale.ROOT,
                                "%n== Where %s's CPU goes at %d agents (its JVM's threads: %.2f cores%s) ==%n",
                                system,
                                r.agents(),
                                jvm,
                                r.systemCpuCores() == null
                                        ? ""
                                        : String.format(
                                                Locale.ROOT, "; the system as a whole: %.2f", r.systemCpuCores()));
                        r.cpuByThread()
                                .forEach((group, cores) -> out.printf(
                                        Locale.ROOT, "  %5.1f %%  %5.2f cores  %s%n", 100 * cores / jvm, cores, group));
                        if (r.systemCpuCores() != null && r.systemCpuCores() - jvm > 0.05) {
                            out.printf(
                                    Locale.ROOT,
                                    "  (and %.2f cores in its other processes: the database)%n",
                                    r.systemCpuCores() - jvm);
                        }
                    });
        }
    }

    private void printMemory(PrintStream out) {
        if (memory.stream().allMatch(m -> m.samples().isEmpty())) {
            return;
        }
        out.printf("%n== Memory of the systems under test ==%n");
        for (var m : memory) {
            if (m.samples().isEmpty()) {
                continue;
            }
            var line = new StringBuilder(m.system() + ": ");
            if (m.mainProcess() != null && m.endRss().isPresent()) {
                line.append(String.format(
                        Locale.ROOT,
                        "%s RSS %,d MiB at the end, peak %,d MiB",
                        m.mainProcess(),
                        m.endRss().getAsLong() >> 20,
                        m.peakRss().orElse(0) >> 20));
                line.append("; ");
            }
            m.endPss()
                    .ifPresent(pss -> line.append(String.format(
                            Locale.ROOT,
                            "all its processes (PSS) %,d MiB at the end, peak %,d MiB",
                            pss >> 20,
                            m.peakPss().orElse(0) >> 20)));
            line.append(String.format(Locale.ROOT, " (sampled over %.0f s)", m.seconds()));
            out.println(line);
            var timeline = timeline(m);
            if (!timeline.isEmpty()) {
                out.println("  RSS over the run: " + timeline);
            }
            if (m.nativeMemory() != null) {
                out.println("  Native Memory Tracking at the end, "
                        + m.nativeMemory().describe());
            } else if (m.nativeMemoryNote() != null) {
                out.println("  Native Memory Tracking: " + m.nativeMemoryNote());
            }
        }
    }

    /** About ten points of the main process's RSS over the run, for runs of two minutes or more. */
    private static String timeline(SystemMemory m) {
        if (m.seconds() < 120 || m.endRss().isEmpty()) {
            return "";
        }
        var points = new ArrayList<String>();
        double step = m.seconds() / 10;
        double next = 0;
        for (var sample : m.samples()) {
            if (sample.seconds() >= next && sample.rssBytes() != null) {
                points.add(String.format(
                        Locale.ROOT,
                        "%d:%02d %,d MiB",
                        (int) sample.seconds() / 60,
                        (int) sample.seconds() % 60,
                        sample.rssBytes() >> 20));
                next += step;
            }
        }
        return String.join(", ", points);
    }

    private static String describe(String system) {
        try {
            return Peer.named(system).description();
        } catch (RuntimeException e) {
            return system;
        }
    }

    static String times(double ratio) {
        return Double.isFinite(ratio) ? String.format(Locale.ROOT, "x%.2f", ratio) : "-";
    }

    /** {@code results.json}, {@code throughput.png}, {@code p50.png}, {@code p99.png} and {@code memory.png}. */
    List<Path> write(Path dir) throws IOException {
        var json = new LinkedHashMap<String, Object>();
        json.put("startedAt", startedAt.toString());
        json.put("subject", subject());
        json.put("ratios", ratios());
        json.put("results", results);
        json.put("machine", machine);
        json.put(
                "pinning",
                Map.of(
                        "active", pinning.active(),
                        "description", pinning.describe(),
                        "loadGenerator", Objects.toString(pinning.loadGenerator(), ""),
                        "systemUnderTest", Objects.toString(pinning.systemUnderTest(), "")));
        json.put("jvmUnderTest", jvmUnderTest);
        json.put("settings", settings);
        json.put("memory", memory);
        json.put("hops", hops);
        json.put("targets", targets);
        var written = new ArrayList<Path>();
        var file = dir.resolve("results.json");
        JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build().writeValue(file.toFile(), json);
        written.add(file);
        written.add(chart(dir, "claims/s", LevelResult::claimsPerSecond, "throughput.png"));
        written.add(chart(dir, "p50 latency (ms)", LevelResult::p50Ms, "p50.png"));
        written.add(chart(dir, "p99 latency (ms)", LevelResult::p99Ms, "p99.png"));
        if (memory.stream().anyMatch(m -> m.endRss().isPresent())) {
            written.add(memoryChart(dir));
        }
        return written;
    }

    private Path chart(Path dir, String title, ToDoubleFunction<LevelResult> value, String file) throws IOException {
        var chart = new CategoryChartBuilder()
                .width(900)
                .height(500)
                .title(title + " by concurrent agents")
                .xAxisTitle("agents")
                .yAxisTitle(title)
                .build();
        for (var system : results.stream().map(LevelResult::system).distinct().toList()) {
            var rows = results.stream().filter(r -> r.system().equals(system)).toList();
            chart.addSeries(
                    system,
                    rows.stream().map(r -> String.valueOf(r.agents())).toList(),
                    rows.stream().map(r -> (Number) value.applyAsDouble(r)).toList());
        }
        var path = dir.resolve(file);
        BitmapEncoder.saveBitmap(chart, path.toString(), BitmapEncoder.BitmapFormat.PNG);
        return path;
    }

    private Path memoryChart(Path dir) throws IOException {
        var chart = new XYChartBuilder()
                .width(900)
                .height(500)
                .title("RSS of the JVM under test over its run")
                .xAxisTitle("seconds since the system was up")
                .yAxisTitle("MiB")
                .build();
        for (var m : memory) {
            var samples = m.samples().stream().filter(s -> s.rssBytes() != null).toList();
            if (!samples.isEmpty()) {
                chart.addSeries(
                        m.system(),
                        samples.stream().map(s -> (Number) s.seconds()).toList(),
                        samples.stream()
                                .map(s -> (Number) (s.rssBytes() / 1048576.0))
                                .toList());
            }
        }
        var path = dir.resolve("memory.png");
        BitmapEncoder.saveBitmap(chart, path.toString(), BitmapEncoder.BitmapFormat.PNG);
        return path;
    }
}
