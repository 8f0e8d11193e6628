package dev.turnstile.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One peer's part of a run: start it (pinned, with its database or broker), warm it up, measure each level, time
 * Turnstile's hops, read its memory, stop it. Nothing of one peer runs while the next is measured.
 */
final class PeerRun {

    /**
     * What a peer's run found.
     *
     * @param hops Turnstile's hop timing, or null
     */
    record Found(List<LevelResult> results, SystemMemory memory, HopBreakdown hops) {}

    private static final Duration SAMPLE_EVERY = Duration.ofSeconds(1);

    private final Pinning pinning;
    private final Path out;
    private final Bench.Settings settings;
    private final boolean interactive;

    PeerRun(Pinning pinning, Path out, Bench.Settings settings, boolean interactive) {
        this.pinning = pinning;
        this.out = out;
        this.settings = settings;
        this.interactive = interactive;
    }

    Found run(Peer peer) throws Exception {
        var name = peer.wireName();
        System.out.printf("%n== %s: %s ==%n", name, peer.description());
        try (var services = new LocalServices(pinning, out.resolve("logs"), name)) {
            boolean external = peer == Peer.TURNSTILE && settings.url() != null;
            var target = open(peer, services);
            var stats = external ? ProcessStats.none() : services.stats();
            var mainProcess = switch (peer) {
                case TURNSTILE -> external ? null : "the all-in-one JVM";
                case POSTGRES_SERVICE -> "the service JVM";
                case POSTGRES, ETCD, BULLMQ -> null;
            };
            int loadCpus = pinning.active()
                    ? pinning.loadGenerator().size()
                    : Runtime.getRuntime().availableProcessors();
            var results = new ArrayList<LevelResult>();
            HopBreakdown hops = null;
            try (target;
                    var sampler = external ? null : new MemorySampler(services.mainPid(), stats, SAMPLE_EVERY)) {
                var threads = mainProcess == null ? null : new ThreadCpu(services.mainPid());
                var runner = new LevelRunner(target, settings.duplicateRatio(), stats, loadCpus, threads);
                warmUp(name, runner);
                for (int level : settings.agents()) {
                    long total = settings.warmup().plus(settings.duration()).toMillis();
                    try (var bar = Progress.of(String.format("%-16s %3d agents", name, level), total, interactive)) {
                        results.add(runner.run(level, settings.warmup(), settings.duration(), runId(), bar::stepTo));
                    }
                    System.out.println(row(results.getLast()));
                }
                if (peer == Peer.TURNSTILE
                        && !external
                        && !settings.hopsDuration().isZero()) {
                    hops = HopProbe.measure(
                            services.turnstileUrl(), services.kafkaBootstrap(), settings.hopsDuration(), interactive);
                }
                NativeMemory nativeMemory = null;
                String note = null;
                if (settings.nmt() && mainProcess != null) {
                    try {
                        nativeMemory = NativeMemory.of(services.mainPid());
                    } catch (Exception e) {
                        note = "no summary: " + e.getMessage();
                    }
                } else if (mainProcess != null) {
                    note = "not asked for (--nmt)";
                }
                var samples = sampler == null ? Collections.<MemorySampler.Sample>emptyList() : sampler.samples();
                return new Found(results, new SystemMemory(name, mainProcess, samples, nativeMemory, note), hops);
            }
        }
    }

    private ClaimTarget open(Peer peer, LocalServices services) throws Exception {
        return switch (peer) {
            case TURNSTILE ->
                new HttpClaimTarget(
                        peer.wireName(),
                        settings.url() != null
                                ? settings.url()
                                : services.startTurnstile(settings.jar(), jvmOptions(), settings.turnstileArgs()));
            case POSTGRES_SERVICE ->
                new HttpClaimTarget(
                        peer.wireName(),
                        services.startPostgresService(
                                settings.postgresServiceJar(),
                                services.startPostgres(),
                                settings.postgresServicePool(),
                                jvmOptions()));
            // The store floor: a connection per agent (the warm-up runs 64), so that no agent waits for the pool.
            case POSTGRES ->
                new PostgresTarget(
                        services.startPostgres(),
                        Math.max(
                                64,
                                settings.agents().stream().max(Integer::compare).orElse(64)));
            case ETCD -> new EtcdTarget(services.startEtcd());
            case BULLMQ -> throw new IllegalArgumentException("bullmq runs jobs, not claims: use --workload queue");
        };
    }

    private List<String> jvmOptions() {
        var options = new ArrayList<>(settings.jvmOptions());
        if (settings.nmt()) {
            options.add("-XX:NativeMemoryTracking=summary");
        }
        return options;
    }

    private void warmUp(String name, LevelRunner runner) throws Exception {
        var outcome = WarmUp.run(settings.systemWarmup(), settings.systemWarmupMax(), (length, index) -> {
            LevelResult result;
            try (var bar =
                    Progress.of(String.format("%-16s warm-up %d", name, index + 1), length.toMillis(), interactive)) {
                result = runner.run(64, Duration.ZERO, length, runId(), bar::stepTo);
            }
            if (result.errors() > 0) {
                System.out.printf(
                        "%-16s warm-up: %d errors in %s, not counted%n", name, result.errors(), Bench.text(length));
            }
            return result.claimsPerSecond();
        });
        if (!outcome.rates().isEmpty()) {
            System.out.printf(
                    "%-16s warm-up: %s at 64 agents, %s claims/s, %s, not counted%n",
                    name, Bench.text(outcome.took()), outcome.ratesText(), outcome.verdict());
        }
    }

    private static String runId() {
        return Long.toHexString(System.nanoTime() & 0xfffffffL);
    }

    static String row(LevelResult r) {
        return String.format(
                java.util.Locale.ROOT,
                "%-16s %4d agents %,9.0f claims/s  p50 %7.2f  p95 %7.2f  p99 %7.2f" + "  max %8.2f ms  errors %d%s",
                r.system(),
                r.agents(),
                r.claimsPerSecond(),
                r.p50Ms(),
                r.p95Ms(),
                r.p99Ms(),
                r.maxMs(),
                r.errors(),
                r.doubleGrants() > 0 ? "  DOUBLE GRANTS " + r.doubleGrants() : "");
    }
}
