package dev.turnstile.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * One peer's part of a queue run: start it (pinned, with its database or broker), warm it up, run each level
 * (enqueue, then drain), read its memory, stop it. Nothing of one peer runs while the next is measured.
 */
final class QueuePeerRun {

    record Found(List<QueueLevelResult> results, SystemMemory memory) {}

    private static final Duration SAMPLE_EVERY = Duration.ofSeconds(1);

    /** The BullMQ driver, relative to the checkout (bin/bench runs from there). */
    static final Path BULLMQ_DRIVER = Path.of("bench", "bullmq", "driver.mjs");

    private final Pinning pinning;
    private final Path out;
    private final Bench.Settings settings;
    private final boolean interactive;

    QueuePeerRun(Pinning pinning, Path out, Bench.Settings settings, boolean interactive) {
        this.pinning = pinning;
        this.out = out;
        this.settings = settings;
        this.interactive = interactive;
    }

    /** A drain gets at least this long, or four times the enqueue phase, before it is cut. */
    static Duration drainLimit(Duration warmup, Duration window) {
        var four = warmup.plus(window).multipliedBy(4);
        return four.compareTo(Duration.ofSeconds(30)) < 0 ? Duration.ofSeconds(30) : four;
    }

    Found run(Peer peer) throws Exception {
        var name = peer.wireName();
        System.out.printf("%n== %s: %s ==%n", name, peer.queueDescription());
        try (var services = new LocalServices(pinning, out.resolve("logs"), name)) {
            boolean external = peer == Peer.TURNSTILE && settings.url() != null;
            int loadCpus = pinning.active()
                    ? pinning.loadGenerator().size()
                    : Runtime.getRuntime().availableProcessors();
            var levels = open(peer, services, loadCpus, external);
            var stats = external ? ProcessStats.none() : services.stats();
            var mainProcess = switch (peer) {
                case TURNSTILE -> external ? null : "the all-in-one JVM";
                case POSTGRES_SERVICE -> "the service JVM";
                case POSTGRES, ETCD, BULLMQ -> null;
            };
            var results = new ArrayList<QueueLevelResult>();
            try (levels;
                    var sampler = external ? null : new MemorySampler(services.mainPid(), stats, SAMPLE_EVERY)) {
                warmUp(name, levels);
                for (int level : settings.agents()) {
                    var limit = drainLimit(settings.warmup(), settings.duration());
                    long total = settings.warmup()
                            .plus(settings.duration())
                            .plus(limit)
                            .toMillis();
                    try (var bar = Progress.of(String.format("%-16s %3d workers", name, level), total, interactive)) {
                        results.add(levels.run(
                                level,
                                settings.warmup(),
                                settings.duration(),
                                limit,
                                "bench-" + runId() + "-" + level,
                                bar::stepTo));
                    }
                    System.out.println(row(results.getLast()));
                }
                var samples = sampler == null ? Collections.<MemorySampler.Sample>emptyList() : sampler.samples();
                return new Found(
                        results,
                        new SystemMemory(
                                name,
                                mainProcess,
                                samples,
                                null,
                                mainProcess == null ? null : "not asked for in the queue workload"));
            }
        }
    }

    private QueueLevels open(Peer peer, LocalServices services, int loadCpus, boolean external) throws Exception {
        return switch (peer) {
            case TURNSTILE -> {
                var url = external
                        ? settings.url()
                        : services.startTurnstile(settings.jar(), settings.jvmOptions(), settings.turnstileArgs());
                yield new QueueLevelRunner(
                        new HttpQueueTarget(peer.wireName(), url),
                        external ? ProcessStats.none() : services.stats(),
                        loadCpus,
                        external ? null : new ThreadCpu(services.mainPid()));
            }
            case POSTGRES_SERVICE -> {
                var url = services.startPostgresService(
                        settings.postgresServiceJar(),
                        services.startPostgres(),
                        settings.postgresServicePool(),
                        settings.jvmOptions());
                yield new QueueLevelRunner(
                        new HttpQueueTarget(peer.wireName(), url),
                        services.stats(),
                        loadCpus,
                        new ThreadCpu(services.mainPid()));
            }
            // The floor: a connection per worker, so that no worker waits for the pool.
            case POSTGRES ->
                new QueueLevelRunner(
                        new PostgresQueueTarget(
                                services.startPostgres(),
                                Math.max(
                                        64,
                                        settings.agents().stream()
                                                .max(Integer::compare)
                                                .orElse(64))),
                        services.stats(),
                        loadCpus,
                        null);
            case BULLMQ -> {
                int port = services.startRedis();
                yield new BullmqLevels(BULLMQ_DRIVER, port, services.stats(), loadCpus, out.resolve("logs"));
            }
            case ETCD -> throw new IllegalArgumentException("etcd is not a queue: leave it out of --workload queue");
        };
    }

    private void warmUp(String name, QueueLevels levels) throws Exception {
        var outcome = WarmUp.run(settings.systemWarmup(), settings.systemWarmupMax(), (length, index) -> {
            var limit = drainLimit(Duration.ZERO, length);
            QueueLevelResult result;
            try (var bar = Progress.of(
                    String.format("%-16s warm-up %d", name, index + 1),
                    length.plus(limit).toMillis(),
                    interactive)) {
                result = levels.run(64, Duration.ZERO, length, limit, "warmup-" + runId(), bar::stepTo);
            }
            if (result.errors() > 0) {
                System.out.printf("%-16s warm-up: %d errors, not counted%n", name, result.errors());
            }
            return result.jobsPerSecond();
        });
        if (!outcome.rates().isEmpty()) {
            System.out.printf(
                    Locale.ROOT,
                    "%-16s warm-up: %s at 64 workers, %s jobs/s, %s, not counted%n",
                    name,
                    Bench.text(outcome.took()),
                    outcome.ratesText(),
                    outcome.verdict());
        }
    }

    private static String runId() {
        return Long.toHexString(System.nanoTime() & 0xfffffffL);
    }

    static String row(QueueLevelResult r) {
        return String.format(
                Locale.ROOT,
                "%-16s %4d workers %,9.0f enqueues/s (p99 %6.2f ms)  %,8.0f jobs/s"
                        + "  claim-next p50 %6.2f  p99 %7.2f ms  %s errors %d%s",
                r.system(),
                r.workers(),
                r.enqueuePerSecond(),
                r.enqueueP99Ms(),
                r.jobsPerSecond(),
                r.claimP50Ms(),
                r.claimP99Ms(),
                r.drained() ? "drained" : "DRAIN CUT",
                r.errors(),
                r.doubleClaims() > 0 ? "  DOUBLE CLAIMS " + r.doubleClaims() : "");
    }
}
