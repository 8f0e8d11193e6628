package dev.turnstile.bench;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChartBuilder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The claim benchmark: drives Turnstile's gateway over HTTP with N concurrent agents, and does the same
 * first-wins-and-record-the-attempt operation on PostgreSQL and etcd on the same machine, side by side.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Measures claims/s and latency of Turnstile, PostgreSQL and etcd on the same workload.")
public final class Bench implements Callable<Integer> {

    @Option(names = "--agents", split = ",", description = "Concurrency levels (default: ${DEFAULT-VALUE}).",
            defaultValue = "1,8,64,256")
    List<Integer> agents;

    @Option(names = "--duration", description = "Measured window per level (default: ${DEFAULT-VALUE}).",
            defaultValue = "PT15S", converter = DurationConverter.class)
    Duration duration;

    @Option(names = "--warmup", description = "Warm-up per level, not measured (default: ${DEFAULT-VALUE}).",
            defaultValue = "PT3S", converter = DurationConverter.class)
    Duration warmup;

    @Option(names = "--system-warmup",
            description = "Load (64 agents) before the first level of each system, not measured, so that its JIT has"
                    + " compiled the hot paths (default: ${DEFAULT-VALUE}).",
            defaultValue = "PT45S", converter = DurationConverter.class)
    Duration systemWarmup;

    @Option(names = "--duplicate-ratio", description = "Share of claims for an already-claimed key (default: ${DEFAULT-VALUE}).",
            defaultValue = "0.5")
    double duplicateRatio;

    @Option(names = "--peers", split = ",", description = "Systems to measure: turnstile, postgres, etcd (default: ${DEFAULT-VALUE}).",
            defaultValue = "turnstile,postgres,etcd")
    List<String> systems;

    @Option(names = "--url", description = "A running Turnstile gateway to measure instead of starting one.")
    URI url;

    @Option(names = "--jar", description = "The all-in-one launcher to start (default: ${DEFAULT-VALUE}).",
            defaultValue = "infra/all-in-one/target/turnstile.jar")
    Path jar;

    @Option(names = "--out", description = "Where results go (default: bench/results/<time>).")
    Path out;

    @Option(names = "--quick", description = "A short smoke run: levels 1,8,64, 3 s each after 2 s warm-up.")
    boolean quick;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Bench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (quick) {
            agents = List.of(1, 8, 64);
            duration = Duration.ofSeconds(3);
            warmup = Duration.ofSeconds(2);
            systemWarmup = Duration.ofSeconds(10);
        }
        var started = Instant.now();
        if (out == null) {
            out = Path.of("bench", "results",
                    DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(started));
        }
        Files.createDirectories(out);
        var results = new ArrayList<LevelResult>();
        try (var services = new LocalServices()) {
            for (var system : systems) {
                try (var target = open(system, services)) {
                    System.out.printf("%n== %s ==%n", system);
                    var runner = new LevelRunner(target, duplicateRatio);
                    if (!systemWarmup.isZero()) {
                        try (ProgressBar bar = bar(system + " warm-up", systemWarmup.toMillis())) {
                            runner.run(64, Duration.ZERO, systemWarmup, "w" + Long.toHexString(System.nanoTime() & 0xffffffL),
                                    bar::stepTo);
                            bar.stepTo(systemWarmup.toMillis());
                        }
                    }
                    for (int level : agents) {
                        long totalMillis = warmup.plus(duration).toMillis();
                        try (ProgressBar bar = bar(String.format("%-9s %3d agents", system, level), totalMillis)) {
                            var result = runner.run(level, warmup, duration,
                                    Long.toHexString(System.nanoTime() & 0xfffffffL), bar::stepTo);
                            bar.stepTo(totalMillis);
                            results.add(result);
                        }
                        System.out.println(row(results.getLast()));
                    }
                }
            }
        }
        report(results, started);
        return results.stream().anyMatch(result -> result.doubleGrants() > 0) ? 1 : 0;
    }

    private static ProgressBar bar(String task, long totalMillis) {
        return new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(totalMillis)
                .setStyle(ProgressBarStyle.ASCII)
                .setUnit(" s", 1000)
                .continuousUpdate()
                .build();
    }

    private ClaimTarget open(String system, LocalServices services) throws Exception {
        return switch (system) {
            case "turnstile" -> new TurnstileTarget(url != null ? url : services.startTurnstile(jar));
            case "postgres" -> new PostgresTarget(services.startPostgres(), agents.stream().max(Integer::compare).orElse(8));
            case "etcd" -> new EtcdTarget(services.startEtcd());
            default -> throw new CommandLine.ParameterException(
                    new CommandLine(this), "Unknown system '" + system + "': use turnstile, postgres or etcd");
        };
    }

    private static String row(LevelResult r) {
        return String.format("%-9s %4d agents %9.0f claims/s  p50 %7.2f  p95 %7.2f  p99 %7.2f  max %8.2f ms"
                        + "  errors %d  double grants %d",
                r.system(), r.agents(), r.claimsPerSecond(), r.p50Ms(), r.p95Ms(), r.p99Ms(), r.maxMs(), r.errors(),
                r.doubleGrants());
    }

    private void report(List<LevelResult> results, Instant started) throws Exception {
        System.out.printf("%n%-9s %6s %10s %8s %8s %8s %9s %7s%n",
                "system", "agents", "claims/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors");
        results.forEach(r -> System.out.printf("%-9s %6d %10.0f %8.2f %8.2f %8.2f %9.2f %7d%n",
                r.system(), r.agents(), r.claimsPerSecond(), r.p50Ms(), r.p95Ms(), r.p99Ms(), r.maxMs(), r.errors()));

        var ratios = ratios(results);
        if (!ratios.isEmpty()) {
            System.out.println("\nTurnstile against its peers (throughput ratio >1 and latency ratio <1 favour Turnstile):");
            ratios.forEach(line -> System.out.println("  " + line));
        }
        var targets = targets(results);
        if (!targets.isEmpty()) {
            System.out.println("\nTargets (2-core machine, whole stack on one box):");
            targets.forEach(line -> System.out.println("  " + line));
        }

        var json = new LinkedHashMap<String, Object>();
        json.put("startedAt", started.toString());
        json.put("machine", Map.of(
                "cores", Runtime.getRuntime().availableProcessors(),
                "java", System.getProperty("java.version"),
                "os", System.getProperty("os.name") + " " + System.getProperty("os.version")));
        json.put("settings", Map.of(
                "agents", agents, "duration", duration.toString(), "warmup", warmup.toString(),
                "systemWarmup", systemWarmup.toString(), "duplicateRatio", duplicateRatio));
        json.put("results", results);
        json.put("ratios", ratios);
        json.put("targets", targets);
        JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build()
                .writeValue(out.resolve("results.json").toFile(), json);
        chart(results, "claims/s", LevelResult::claimsPerSecond, "throughput.png");
        chart(results, "p99 latency (ms)", LevelResult::p99Ms, "p99.png");
        System.out.println("\nWrote " + out.resolve("results.json") + ", throughput.png and p99.png");
    }

    private static List<String> ratios(List<LevelResult> results) {
        var lines = new ArrayList<String>();
        for (var turnstile : results.stream().filter(r -> r.system().equals("turnstile")).toList()) {
            results.stream()
                    .filter(peer -> !peer.system().equals("turnstile") && peer.agents() == turnstile.agents())
                    .forEach(peer -> lines.add(String.format(
                            "%3d agents vs %-8s throughput x%.2f, p50 x%.2f, p99 x%.2f",
                            turnstile.agents(), peer.system(),
                            turnstile.claimsPerSecond() / peer.claimsPerSecond(),
                            turnstile.p50Ms() / peer.p50Ms(), turnstile.p99Ms() / peer.p99Ms())));
        }
        return lines;
    }

    private static List<String> targets(List<LevelResult> results) {
        var lines = new ArrayList<String>();
        results.stream().filter(r -> r.system().equals("turnstile") && r.agents() == 1).findFirst().ifPresent(r ->
                lines.add(String.format("1 agent: p50 %.2f ms (target <= 3: %s), p99 %.2f ms (target <= 10: %s)",
                        r.p50Ms(), pass(r.p50Ms() <= 3), r.p99Ms(), pass(r.p99Ms() <= 10))));
        results.stream().filter(r -> r.system().equals("turnstile") && r.agents() == 64).findFirst().ifPresent(r ->
                lines.add(String.format("64 agents: %.0f claims/s (target >= 10000: %s), p99 %.2f ms (target <= 50: %s)",
                        r.claimsPerSecond(), pass(r.claimsPerSecond() >= 10_000), r.p99Ms(), pass(r.p99Ms() <= 50))));
        return lines;
    }

    private static String pass(boolean met) {
        return met ? "met" : "NOT met";
    }

    private void chart(List<LevelResult> results, String title,
            java.util.function.ToDoubleFunction<LevelResult> value, String file) throws Exception {
        var chart = new CategoryChartBuilder().width(900).height(500).title(title + " by concurrent agents")
                .xAxisTitle("agents").yAxisTitle(title).build();
        for (var system : systems) {
            var rows = results.stream().filter(r -> r.system().equals(system)).toList();
            if (!rows.isEmpty()) {
                chart.addSeries(system, rows.stream().map(r -> String.valueOf(r.agents())).toList(),
                        rows.stream().map(r -> (Number) value.applyAsDouble(r)).toList());
            }
        }
        BitmapEncoder.saveBitmap(chart, out.resolve(file).toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    /** Reads 15s, 500ms, 2m or ISO-8601 durations. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            var text = value.trim().toLowerCase(java.util.Locale.ROOT);
            if (text.startsWith("p")) {
                return Duration.parse(value);
            }
            if (text.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
            }
            long amount = Long.parseLong(text.substring(0, text.length() - 1));
            return switch (text.charAt(text.length() - 1)) {
                case 's' -> Duration.ofSeconds(amount);
                case 'm' -> Duration.ofMinutes(amount);
                default -> throw new CommandLine.TypeConversionException(
                        "'" + value + "' is not a duration: use e.g. 15s, 500ms or 2m");
            };
        }
    }
}
