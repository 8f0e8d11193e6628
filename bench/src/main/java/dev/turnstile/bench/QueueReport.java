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
import java.util.Optional;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChartBuilder;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a queue run found, ratios first: Turnstile's enqueue/s, end-to-end jobs/s and claim-next latency against each
 * peer at each level; then the absolute figures with the machine and pinning; then issue 11's targets. Written as
 * text, {@code queue-results.json} and PNG charts.
 */
record QueueReport(
        Instant startedAt,
        Machine machine,
        Pinning pinning,
        String jvmUnderTest,
        Map<String, Object> settings,
        List<QueueLevelResult> results,
        List<SystemMemory> memory) {

    /**
     * The subject against one peer at one level: ratios above 1 for throughput and below 1 for latency favour the
     * subject.
     */
    record QueueRatio(
            String subject,
            String peer,
            int workers,
            double enqueuePerSecond,
            double jobsPerSecond,
            double claimP50,
            double claimP99) {}

    String subject() {
        return results.isEmpty() ? "turnstile" : results.getFirst().system();
    }

    List<QueueRatio> ratios() {
        var ratios = new ArrayList<QueueRatio>();
        var subject = subject();
        var peers = results.stream()
                .map(QueueLevelResult::system)
                .filter(s -> !s.equals(subject))
                .distinct()
                .toList();
        for (var peer : peers) {
            for (var mine :
                    results.stream().filter(r -> r.system().equals(subject)).toList()) {
                find(peer, mine.workers())
                        .ifPresent(theirs -> ratios.add(new QueueRatio(
                                subject,
                                peer,
                                mine.workers(),
                                mine.enqueuePerSecond() / theirs.enqueuePerSecond(),
                                mine.jobsPerSecond() / theirs.jobsPerSecond(),
                                mine.claimP50Ms() / theirs.claimP50Ms(),
                                mine.claimP99Ms() / theirs.claimP99Ms())));
            }
        }
        return ratios;
    }

    /** Issue 11's targets for Turnstile, each met, not met or not measured. */
    List<Target> targets() {
        var targets = new ArrayList<Target>();
        var rule = "64 workers: end-to-end jobs/s >= the PostgreSQL peer's";
        var mine = find("turnstile", 64);
        var theirs = find("postgres-service", 64).or(() -> find("postgres", 64));
        if (mine.isPresent() && theirs.isPresent()) {
            double ratio = mine.get().jobsPerSecond() / theirs.get().jobsPerSecond();
            targets.add(new Target(
                    rule,
                    format(
                            "x%.2f (%,.0f vs %,.0f jobs/s, %s)",
                            ratio,
                            mine.get().jobsPerSecond(),
                            theirs.get().jobsPerSecond(),
                            theirs.get().system()),
                    ratio >= 1 ? Target.Status.MET : Target.Status.NOT_MET));
        } else {
            targets.add(new Target(
                    rule,
                    "needs turnstile and postgres-service (or postgres) at 64 workers",
                    Target.Status.NOT_MEASURED));
        }
        var p99 = "8 workers: claim-next p99 <= 25 ms";
        find("turnstile", 8)
                .ifPresentOrElse(
                        r -> targets.add(new Target(
                                p99,
                                format("%.2f ms", r.claimP99Ms()),
                                r.claimP99Ms() <= 25 ? Target.Status.MET : Target.Status.NOT_MET)),
                        () -> targets.add(new Target(p99, "needs turnstile at 8 workers", Target.Status.NOT_MEASURED)));
        return targets;
    }

    void print(PrintStream out) {
        var ratios = ratios();
        out.printf("%n== %s against each peer, queue workload: same run, same machine, no-op jobs ==%n", subject());
        if (ratios.isEmpty()) {
            out.println("  (no peer measured at the same levels: run two or more with --peers)");
        } else {
            out.printf("Throughput ratios > 1 and latency ratios < 1 favour %s.%n", subject());
            String peer = null;
            for (var ratio : ratios) {
                if (!ratio.peer().equals(peer)) {
                    peer = ratio.peer();
                    out.printf("%nvs %s: %s%n", peer, describe(peer));
                    out.printf(
                            "  %7s  %10s  %10s  %14s  %14s%n",
                            "workers", "enqueue/s", "jobs/s", "claim-next p50", "claim-next p99");
                }
                out.printf(
                        Locale.ROOT,
                        "  %7d  %10s  %10s  %14s  %14s%n",
                        ratio.workers(),
                        Report.times(ratio.enqueuePerSecond()),
                        Report.times(ratio.jobsPerSecond()),
                        Report.times(ratio.claimP50()),
                        Report.times(ratio.claimP99()));
            }
        }
        out.printf("%n== Absolute figures (they hold for this machine only) ==%n");
        out.printf(
                "%-17s %7s %11s %9s %9s %10s %9s %9s %9s %7s %8s %10s %8s%n",
                "system",
                "workers",
                "enqueues/s",
                "enq p99",
                "jobs/s",
                "claim p50",
                "claim p95",
                "claim p99",
                "compl p50",
                "errors",
                "backlog",
                "CPU cores",
                "loadgen");
        for (var r : results) {
            out.printf(
                    Locale.ROOT,
                    "%-17s %7d %,11.0f %9.2f %,9.0f %10.2f %9.2f %9.2f %9.2f %7d %,8d%s %10s %7.0f%%%n",
                    r.system(),
                    r.workers(),
                    r.enqueuePerSecond(),
                    r.enqueueP99Ms(),
                    r.jobsPerSecond(),
                    r.claimP50Ms(),
                    r.claimP95Ms(),
                    r.claimP99Ms(),
                    r.completeP50Ms(),
                    r.errors(),
                    r.backlog(),
                    r.drained() ? " " : "*",
                    r.systemCpuCores() == null ? "-" : String.format(Locale.ROOT, "%.2f", r.systemCpuCores()),
                    r.loadGeneratorCpuShare() * 100);
        }
        out.println("Latencies in ms. enqueues/s: N producers adding no-op jobs; jobs/s (end to end): N workers taking"
                + " the jobs made from waiting to succeeded, claim-next then complete, until none waits; claim-next"
                + " latency with jobs waiting. * the drain was cut at its limit. CPU cores: the system under test"
                + " (with its database or broker) during the drain; loadgen: how busy the load generator's CPUs were.");
        results.stream()
                .filter(r -> r.firstError() != null)
                .forEach(r -> out.printf(
                        "Errors of %s at %d workers, the first: %s%n", r.system(), r.workers(), r.firstError()));
        results.stream()
                .filter(r -> r.doubleClaims() > 0)
                .forEach(r -> out.printf(
                        "DOUBLE CLAIMS: %s at %d workers handed %d jobs out twice%n",
                        r.system(), r.workers(), r.doubleClaims()));
        out.println();
        out.println(machine.describeLines());
        out.println("Pinning: " + pinning.describe());
        out.println("JVMs under test: " + jvmUnderTest);
        out.println("Settings: " + settings);
        printCpuByThread(out);
        for (var m : memory) {
            m.endRss()
                    .ifPresent(rss -> out.printf(
                            Locale.ROOT,
                            "Memory: %s %s RSS %,d MiB at the end, peak %,d MiB%n",
                            m.system(),
                            m.mainProcess(),
                            rss >> 20,
                            m.peakRss().orElse(0) >> 20));
        }
        out.printf("%n== Targets (issue 11; Turnstile) ==%n");
        targets().forEach(t -> out.printf("  %-14s %-56s %s%n", "[" + t.status() + "]", t.rule(), t.measured()));
    }

    /** Each JVM under test at its busiest level: where its CPU went during the drain, by what its threads do. */
    private void printCpuByThread(PrintStream out) {
        for (var system :
                results.stream().map(QueueLevelResult::system).distinct().toList()) {
            results.stream()
                    .filter(r -> r.system().equals(system) && !r.cpuByThread().isEmpty())
                    .max(java.util.Comparator.comparingInt(QueueLevelResult::workers))
                    .ifPresent(r -> {
                        double jvm = r.cpuByThread().values().stream()
                                .mapToDouble(Double::doubleValue)
                                .sum();
                        out.printf(
                                Locale.ROOT,
                                "%n== Where %s's CPU goes in the drain at %d workers (its JVM: %.2f"
                                        + " cores, %.0f us per job) ==%n",
                                system,
                                r.workers(),
                                jvm,
                                r.jobsPerSecond() == 0 ? 0 : jvm * 1e6 / r.jobsPerSecond());
                        r.cpuByThread()
                                .forEach((group, cores) -> out.printf(
                                        Locale.ROOT, "  %5.1f %%  %5.2f cores  %s%n", 100 * cores / jvm, cores, group));
                    });
        }
        out.println();
    }

    /** {@code queue-results.json}, {@code queue-jobs-per-second.png}, {@code queue-enqueues.png}, {@code queue-claim-p99.png}. */
    List<Path> write(Path dir) throws IOException {
        var json = new LinkedHashMap<String, Object>();
        json.put("workload", "queue");
        json.put("startedAt", startedAt.toString());
        json.put("subject", subject());
        json.put("ratios", ratios());
        json.put("results", results);
        json.put("machine", machine);
        json.put("pinning", Map.of("active", pinning.active(), "description", pinning.describe()));
        json.put("jvmUnderTest", jvmUnderTest);
        json.put("settings", settings);
        json.put("memory", memory);
        json.put("targets", targets());
        var written = new ArrayList<Path>();
        var file = dir.resolve("queue-results.json");
        JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build().writeValue(file.toFile(), json);
        written.add(file);
        written.add(chart(dir, "end-to-end jobs/s", QueueLevelResult::jobsPerSecond, "queue-jobs-per-second.png"));
        written.add(chart(dir, "enqueues/s", QueueLevelResult::enqueuePerSecond, "queue-enqueues.png"));
        written.add(chart(dir, "claim-next p99 (ms)", QueueLevelResult::claimP99Ms, "queue-claim-p99.png"));
        return written;
    }

    private Path chart(Path dir, String title, ToDoubleFunction<QueueLevelResult> value, String file)
            throws IOException {
        var chart = new CategoryChartBuilder()
                .width(900)
                .height(500)
                .title(title + " by workers")
                .xAxisTitle("workers")
                .yAxisTitle(title)
                .build();
        for (var system :
                results.stream().map(QueueLevelResult::system).distinct().toList()) {
            var rows = results.stream().filter(r -> r.system().equals(system)).toList();
            chart.addSeries(
                    system,
                    rows.stream().map(r -> String.valueOf(r.workers())).toList(),
                    rows.stream().map(r -> (Number) value.applyAsDouble(r)).toList());
        }
        var path = dir.resolve(file);
        BitmapEncoder.saveBitmap(chart, path.toString(), BitmapEncoder.BitmapFormat.PNG);
        return path;
    }

    private Optional<QueueLevelResult> find(String system, int workers) {
        return results.stream()
                .filter(r -> r.system().equals(system) && r.workers() == workers)
                .findFirst();
    }

    private static String describe(String system) {
        try {
            return Peer.named(system).queueDescription();
        } catch (RuntimeException e) {
            return system;
        }
    }

    private static String format(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
