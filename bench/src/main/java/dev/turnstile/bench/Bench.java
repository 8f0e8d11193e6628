package dev.turnstile.bench;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The claim benchmark: Turnstile's claim path beside the service a team would build instead (an HTTP claim service
 * over PostgreSQL) and beside PostgreSQL and etcd called directly as stores (the floor), on the same machine, the
 * same workload, in one run, each peer alone on the systems' CPUs. Prints the ratios first.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        usageHelpWidth = 120,
        description = {
            "Measures claims/s and latency of Turnstile and its peers on the same workload, one peer at a time, and"
                    + " prints Turnstile's ratios against each peer, then the absolute figures with the machine,"
                    + " pinning and memory, and issue 13's targets. Writes results.json and PNG charts.",
            "",
            "Peers: turnstile (the all-in-one: HTTP gateway, Kafka broker, processor), postgres-service (an HTTP"
                    + " claim service over PostgreSQL: Spring MVC on virtual threads, HikariCP, INSERT ... ON CONFLICT"
                    + " DO NOTHING + attempt row, synchronous_commit=off), and the floor: postgres (the same SQL over"
                    + " JDBC from the load generator) and etcd (one transaction through its JSON gateway).",
            "",
            "Queue workload (--workload queue): work queues instead of claims, peers turnstile (its work-queue HTTP"
                    + " API), postgres-service (the same endpoints over PostgreSQL, SELECT ... FOR UPDATE SKIP LOCKED,"
                    + " seed 002), postgres (that SQL over JDBC, the floor) and bullmq (BullMQ on Redis, seed 004, driven"
                    + " from Node). At each level N producers enqueue no-op jobs for the window, then N workers drain"
                    + " them (claim-next, complete): enqueues/s, end-to-end jobs/s and claim-next p50/p99, ratios"
                    + " first; issue 11's targets; queue-results.json and charts.",
            "",
            "Pinning (--pin=on, the default, on Linux with taskset and two or more CPUs): the load generator on the"
                    + " first half of the CPUs, each system under test with its database or broker on the rest (on 2"
                    + " CPUs: load generator on CPU 0, system on CPU 1), the same for every peer. The report says"
                    + " when pinning is off and why.",
            ""
        },
        footer = {
            "",
            "Examples:",
            "  bin/bench                                           all peers, 1, 8 and 64 agents",
            "  bin/bench --peers turnstile,postgres-service --agents 1,8,64",
            "  bin/bench --quick                                   smoke run: a few seconds per level",
            "  bin/bench --workload queue                          work queues: turnstile, postgres-service, postgres,"
                    + " bullmq",
            "  bin/bench --workload queue --quick --agents 1,8     a queue smoke run",
            "  bin/bench --long-run                                Turnstile, 64 agents for 10 minutes, RSS and NMT",
            "  bin/bench --peers turnstile --agents 64 --duration-per-level 10m --warmup 0s --system-warmup 0s --nmt",
            "                                                      the same, spelled out",
            "  bin/bench --pin=off                                 every process on every CPU (the report says so)",
            "  bin/bench --jvm-options='-XX:+UseZGC' --turnstile-arg=--turnstile.processor.commit-interval=100ms",
            "  bin/bench --url http://host:8080 --peers turnstile  a Turnstile already running (not pinned, no memory)"
        })
public final class Bench implements Callable<Integer> {

    /** What is measured: claims (the claim path) or work queues. */
    enum Workload {
        claims,
        queue
    }

    /** On or off, for {@code --pin}. */
    enum Switch {
        on,
        off
    }

    @Spec
    CommandSpec spec;

    @Option(
            names = "--workload",
            paramLabel = "claims|queue",
            defaultValue = "claims",
            description = "What to measure: the claim path, or work queues (enqueue, claim-next, complete) (default:"
                    + " ${DEFAULT-VALUE}).")
    Workload workload;

    @Option(
            names = "--peers",
            split = ",",
            converter = Peer.Converter.class,
            paramLabel = "<peer>",
            description = "Systems to measure, in this order; the first is compared with the others: turnstile,"
                    + " postgres-service, postgres, etcd; with --workload queue turnstile, postgres-service, postgres,"
                    + " bullmq (default: ${DEFAULT-VALUE}; for queues turnstile,postgres-service,postgres,bullmq).",
            defaultValue = "turnstile,postgres-service,postgres,etcd")
    List<Peer> peers;

    @Option(
            names = "--agents",
            split = ",",
            paramLabel = "<n>",
            description = "Concurrency levels: agents claiming at once, or producers and then workers of the queue"
                    + " workload (default: ${DEFAULT-VALUE}).",
            defaultValue = "1,8,64")
    List<Integer> agents;

    @Option(
            names = {"--duration-per-level", "--duration"},
            paramLabel = "<time>",
            description = "Measured window per level, e.g. 15s, 2m, 10m (default: ${DEFAULT-VALUE}).",
            defaultValue = "15s",
            converter = DurationConverter.class)
    Duration duration;

    @Option(
            names = "--warmup",
            paramLabel = "<time>",
            description = "Load before each level's window, not measured (default: ${DEFAULT-VALUE}).",
            defaultValue = "3s",
            converter = DurationConverter.class)
    Duration warmup;

    @Option(
            names = "--system-warmup",
            paramLabel = "<time>",
            description = "At least this much load at 64 agents before each system's first level, not measured, so"
                    + " that its JIT has compiled the hot paths (see --system-warmup-max); 0s for none (default:"
                    + " ${DEFAULT-VALUE}).",
            defaultValue = "45s",
            converter = DurationConverter.class)
    Duration systemWarmup;

    @Option(
            names = "--system-warmup-max",
            paramLabel = "<time>",
            description = "After --system-warmup, go on warming up in 15 s windows until one window's throughput is"
                    + " within 5 % of the one before (steady: the JIT is done), for at most this long in all; the"
                    + " same rule for every peer; equal to --system-warmup for a fixed warm-up (default:"
                    + " ${DEFAULT-VALUE}).",
            defaultValue = "5m",
            converter = DurationConverter.class)
    Duration systemWarmupMax;

    @Option(
            names = "--duplicate-ratio",
            paramLabel = "<0..1>",
            description = "Share of claims for an already-claimed key (default: ${DEFAULT-VALUE}).",
            defaultValue = "0.5")
    double duplicateRatio;

    @Option(
            names = "--pin",
            paramLabel = "on|off",
            description = "Pin the load generator and the systems under test to separate CPUs with taskset"
                    + " (default: ${DEFAULT-VALUE}).",
            defaultValue = "on")
    Switch pin;

    @Option(
            names = "--load-generator-cpus",
            paramLabel = "<cpus>",
            description = "The load generator's CPUs, as taskset -c writes them (with --system-cpus; default: the"
                    + " first half of the CPUs this process may use).")
    String loadGeneratorCpus;

    @Option(
            names = "--system-cpus",
            paramLabel = "<cpus>",
            description = "The systems' CPUs (with --load-generator-cpus; default: the rest).")
    String systemCpus;

    @Option(
            names = "--long-run",
            description = "The memory run: Turnstile alone, 64 agents for 10 minutes with no warm-up (so the RSS is"
                    + " 10 minutes into the load), RSS sampled throughout and the NMT summary at the end; options given"
                    + " explicitly win over these.")
    boolean longRun;

    @Option(names = "--quick", description = "A smoke run: 3 s per level after 2 s warm-up, 10 s system warm-up.")
    boolean quick;

    @Option(
            names = "--nmt",
            description = "Start the JVMs under test with Native Memory Tracking (summary) and print what it says"
                    + " of heap, metaspace, direct buffers and the rest at the end of each system's run.")
    boolean nmt;

    @Option(
            names = "--jvm-options",
            paramLabel = "<options>",
            description = "JVM options for both JVMs under test (Turnstile and the PostgreSQL service), separated by"
                    + " spaces, e.g. '-Xmx512m -XX:+UseZGC' (default: none, the JVM's own choices for the systems'"
                    + " CPUs).")
    String jvmOptions;

    @Option(
            names = "--turnstile-arg",
            paramLabel = "<arg>",
            description = "An argument for the all-in-one, e.g. --turnstile-arg=--turnstile.processor.commit-interval"
                    + "=100ms; repeat for more.")
    List<String> turnstileArgs = new ArrayList<>();

    @Option(
            names = "--postgres-service-pool",
            paramLabel = "<n>",
            description = "Connections in the PostgreSQL service's HikariCP pool (default: ${DEFAULT-VALUE},"
                    + " HikariCP's own default, what a team starts with).",
            defaultValue = "10")
    int postgresServicePool;

    @Option(
            names = "--hops-duration",
            paramLabel = "<time>",
            description = "After Turnstile's levels, one agent for this long while the benchmark reads both topics,"
                    + " to time each hop of a claim; 0s for none (default: ${DEFAULT-VALUE}).",
            defaultValue = "10s",
            converter = DurationConverter.class)
    Duration hopsDuration;

    @Option(
            names = "--url",
            paramLabel = "<url>",
            description = "Measure a Turnstile already running there instead of starting one (not pinned, no memory).")
    URI url;

    @Option(
            names = "--jar",
            paramLabel = "<jar>",
            description = "The all-in-one launcher (default: ${DEFAULT-VALUE}).",
            defaultValue = "infra/all-in-one/target/turnstile.jar")
    Path jar;

    @Option(
            names = "--postgres-service-jar",
            paramLabel = "<jar>",
            description = "The PostgreSQL claim service (default: ${DEFAULT-VALUE}).",
            defaultValue = "bench/postgres-service/target/postgres-service.jar")
    Path postgresServiceJar;

    @Option(
            names = "--out",
            paramLabel = "<dir>",
            description = "Where results and logs go (default: bench/results/<time>).")
    Path out;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Bench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        applyPresets();
        validate();
        var pinning = Pinning.plan(
                pin == Switch.on,
                Pinning.allowedCpus(),
                Pinning.tasksetInstalled(),
                loadGeneratorCpus == null ? null : CpuSet.parse(loadGeneratorCpus),
                systemCpus == null ? null : CpuSet.parse(systemCpus));
        var machine = Machine.describe();
        pinning.pinThisProcess();
        var started = Instant.now();
        if (out == null) {
            out = Path.of(
                    "bench",
                    "results",
                    DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                            .withZone(ZoneOffset.UTC)
                            .format(started));
        }
        Files.createDirectories(out);
        System.out.printf(
                "Peers %s; %s agents; %s warm-up + %s measured per level; system warm-up %s%n",
                peers.stream().map(Peer::wireName).toList(),
                agents,
                text(warmup),
                text(duration),
                systemWarmupMax.compareTo(systemWarmup) > 0
                        ? text(systemWarmup) + ", then until steady (at most " + text(systemWarmupMax) + ")"
                        : text(systemWarmup));
        System.out.println("Pinning: " + pinning.describe());
        var jvmUnderTest = describeJvms(pinning);
        System.out.println("JVMs under test: " + jvmUnderTest);
        if (machine.busy()) {
            System.out.printf(
                    "Note: load average %.2f on %d CPUs before the run: the machine is busy%n",
                    machine.loadAverage(), machine.onlineCpus());
        }

        if (workload == Workload.queue) {
            return runQueues(started, machine, pinning, jvmUnderTest);
        }
        var measure = new PeerRun(pinning, out, settings(), Progress.interactive());
        var results = new ArrayList<LevelResult>();
        var memory = new ArrayList<SystemMemory>();
        HopBreakdown hops = null;
        for (var peer : peers) {
            var run = measure.run(peer);
            results.addAll(run.results());
            memory.add(run.memory());
            if (run.hops() != null) {
                hops = run.hops();
            }
        }
        var turnstileMemory = memory.stream()
                .filter(m -> m.system().equals("turnstile"))
                .findFirst()
                .orElse(null);
        var longestAt64 = peers.contains(Peer.TURNSTILE) && agents.contains(64)
                ? (agents.getFirst() == 64 ? systemWarmup : Duration.ZERO)
                        .plus(warmup)
                        .plus(duration)
                : Duration.ZERO;
        var report = new Report(
                started,
                machine,
                pinning,
                jvmUnderTest,
                settings().describe(),
                results,
                memory,
                Target.of(results, turnstileMemory, longestAt64),
                hops);
        report.print(System.out);
        var written = report.write(out);
        System.out.println("\nWrote "
                + String.join(", ", written.stream().map(Path::toString).toList()) + "; logs in "
                + out.resolve("logs"));
        return results.stream().anyMatch(result -> result.doubleGrants() > 0) ? 1 : 0;
    }

    /** The queue workload: each peer in turn, then the report with ratios first. Exit 1 if a job went out twice. */
    private int runQueues(Instant started, Machine machine, Pinning pinning, String jvmUnderTest) throws Exception {
        var measure = new QueuePeerRun(pinning, out, settings(), Progress.interactive());
        var results = new ArrayList<QueueLevelResult>();
        var memory = new ArrayList<SystemMemory>();
        for (var peer : peers) {
            var found = measure.run(peer);
            results.addAll(found.results());
            memory.add(found.memory());
        }
        var described = new LinkedHashMap<String, Object>();
        described.put("workload", "queue");
        described.putAll(settings().describe());
        described.remove("duplicateRatio");
        described.remove("hopsDuration");
        var report = new QueueReport(started, machine, pinning, jvmUnderTest, described, results, memory);
        report.print(System.out);
        var written = report.write(out);
        System.out.println("\nWrote "
                + String.join(", ", written.stream().map(Path::toString).toList()) + "; logs in "
                + out.resolve("logs"));
        return results.stream().anyMatch(result -> result.doubleClaims() > 0) ? 1 : 0;
    }

    /** {@code --quick} and {@code --long-run} set what was not given explicitly. */
    void applyPresets() {
        if (quick && longRun) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Use --quick or --long-run, not both");
        }
        if (workload == Workload.queue) {
            preset("--peers", () -> peers = Peer.QUEUE_PEERS);
        }
        if (quick) {
            preset("--duration-per-level", () -> duration = Duration.ofSeconds(3));
            preset("--warmup", () -> warmup = Duration.ofSeconds(2));
            preset("--system-warmup", () -> systemWarmup = Duration.ofSeconds(10));
            preset("--system-warmup-max", () -> systemWarmupMax = Duration.ofSeconds(10));
            preset("--hops-duration", () -> hopsDuration = Duration.ofSeconds(5));
        }
        if (longRun) {
            preset("--peers", () -> peers = List.of(Peer.TURNSTILE));
            preset("--agents", () -> agents = List.of(64));
            preset("--duration-per-level", () -> duration = Target.LONG_RUN);
            preset("--warmup", () -> warmup = Duration.ZERO);
            preset("--system-warmup", () -> systemWarmup = Duration.ZERO);
            preset("--system-warmup-max", () -> systemWarmupMax = Duration.ZERO);
            preset("--hops-duration", () -> hopsDuration = Duration.ZERO);
            preset("--nmt", () -> nmt = true);
        }
    }

    /**
     * What the JVMs under test chose on the systems' CPUs: the all-in-one starts with its launcher's JVM options (its
     * memory bounds) as {@code bin/turnstile} does, the PostgreSQL service with the JVM's defaults; both with
     * {@code --jvm-options}.
     */
    private String describeJvms(Pinning pinning) {
        var options = settings().jvmOptions();
        var launcherOptions = LocalServices.launcherOptions(jar);
        if (launcherOptions.isEmpty() || url != null || !peers.contains(Peer.TURNSTILE)) {
            return JvmErgonomics.describe(pinning, options);
        }
        var turnstile = new ArrayList<String>();
        turnstile.add("@" + launcherOptions.get());
        turnstile.addAll(options);
        return "all-in-one " + JvmErgonomics.describe(pinning, turnstile) + " (its launcher's jvm.options); others "
                + JvmErgonomics.describe(pinning, options);
    }

    private void preset(String option, Runnable set) {
        if (!spec.commandLine().getParseResult().hasMatchedOption(option)) {
            set.run();
        }
    }

    void validate() {
        var problems = new ArrayList<String>();
        if (agents.isEmpty() || agents.stream().anyMatch(n -> n < 1)) {
            problems.add("--agents needs whole numbers of 1 or more, e.g. 1,8,64; got " + agents);
        }
        if (duration.isZero() || duration.isNegative()) {
            problems.add("--duration-per-level must be positive; got " + text(duration));
        }
        if (warmup.isNegative() || systemWarmup.isNegative() || hopsDuration.isNegative()) {
            problems.add("--warmup, --system-warmup and --hops-duration must not be negative");
        }
        if (systemWarmupMax.compareTo(systemWarmup) < 0) {
            problems.add("--system-warmup-max (" + text(systemWarmupMax) + ") must be at least --system-warmup ("
                    + text(systemWarmup) + "); make them equal for a fixed warm-up");
        }
        if (duplicateRatio < 0 || duplicateRatio >= 1) {
            problems.add("--duplicate-ratio must be at least 0 and below 1; got " + duplicateRatio);
        }
        if (postgresServicePool < 1) {
            problems.add("--postgres-service-pool must be 1 or more; got " + postgresServicePool);
        }
        if (workload == Workload.queue && peers.contains(Peer.ETCD)) {
            problems.add(
                    "etcd is not a queue: --workload queue measures turnstile, postgres-service, postgres, bullmq");
        }
        if (workload == Workload.claims && peers.contains(Peer.BULLMQ)) {
            problems.add("bullmq runs jobs, not claims: use it with --workload queue");
        }
        if (workload == Workload.queue && longRun) {
            problems.add("--long-run measures the claim path's memory; leave out --workload queue");
        }
        if (peers.stream().distinct().count() != peers.size()) {
            problems.add("--peers names a peer twice: "
                    + peers.stream().map(Peer::wireName).toList());
        }
        if (!problems.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), String.join("; ", problems));
        }
    }

    /** What each peer run needs from the command line. */
    Settings settings() {
        return new Settings(
                peers,
                agents,
                duration,
                warmup,
                systemWarmup,
                systemWarmupMax,
                duplicateRatio,
                jvmOptions == null || jvmOptions.isBlank()
                        ? List.of()
                        : Arrays.asList(jvmOptions.strip().split("\\s+")),
                List.copyOf(turnstileArgs),
                postgresServicePool,
                nmt,
                hopsDuration,
                url,
                jar,
                postgresServiceJar);
    }

    /**
     * The run's settings.
     *
     * @param jvmOptions options for both JVMs under test
     * @param turnstileArgs arguments for the all-in-one
     * @param url a Turnstile running elsewhere, or null to start one
     */
    record Settings(
            List<Peer> peers,
            List<Integer> agents,
            Duration duration,
            Duration warmup,
            Duration systemWarmup,
            Duration systemWarmupMax,
            double duplicateRatio,
            List<String> jvmOptions,
            List<String> turnstileArgs,
            int postgresServicePool,
            boolean nmt,
            Duration hopsDuration,
            URI url,
            Path jar,
            Path postgresServiceJar) {

        /** The settings for the report, in words and figures. */
        Map<String, Object> describe() {
            var map = new LinkedHashMap<String, Object>();
            map.put("peers", peers.stream().map(Peer::wireName).toList());
            map.put("agents", agents);
            map.put("systemWarmup", text(systemWarmup));
            map.put("systemWarmupMax", text(systemWarmupMax));
            map.put("warmupPerLevel", text(warmup));
            map.put("durationPerLevel", text(duration));
            map.put("duplicateRatio", duplicateRatio);
            map.put("jvmOptions", jvmOptions);
            map.put("turnstileArgs", turnstileArgs);
            map.put("postgresServicePool", postgresServicePool);
            map.put("nmt", nmt);
            map.put("hopsDuration", text(hopsDuration));
            if (url != null) {
                map.put("url", url.toString());
            }
            return map;
        }
    }

    static String text(Duration duration) {
        if (duration.isZero()) {
            return "0s";
        }
        if (duration.toMillisPart() != 0 || duration.toMillis() < 1000) {
            return duration.toMillis() + "ms";
        }
        long seconds = duration.toSeconds();
        return seconds % 60 == 0 ? seconds / 60 + "m" : seconds + "s";
    }

    /** Reads 15s, 500ms, 2m, 1h or ISO-8601 durations. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            var text = value.strip().toLowerCase(Locale.ROOT);
            try {
                if (text.startsWith("p")) {
                    return Duration.parse(value.strip());
                }
                if (text.equals("0")) {
                    return Duration.ZERO;
                }
                if (text.endsWith("ms")) {
                    return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
                }
                long amount = Long.parseLong(text.substring(0, text.length() - 1));
                return switch (text.charAt(text.length() - 1)) {
                    case 's' -> Duration.ofSeconds(amount);
                    case 'm' -> Duration.ofMinutes(amount);
                    case 'h' -> Duration.ofHours(amount);
                    default -> throw new NumberFormatException();
                };
            } catch (RuntimeException e) {
                throw new CommandLine.TypeConversionException(
                        "'" + value + "' is not a duration: use e.g. 15s, 500ms, 10m or 1h");
            }
        }
    }
}
