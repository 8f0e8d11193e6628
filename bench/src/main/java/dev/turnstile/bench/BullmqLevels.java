package dev.turnstile.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The queue workload on BullMQ: BullMQ is a Node library, so each level runs in {@code bench/bullmq/driver.mjs} (the
 * same two phases as {@link QueueLevelRunner}, timed the same way), started here on the load generator's CPUs, which
 * prints the level's figures as JSON. Redis is the system under test.
 */
final class BullmqLevels implements QueueLevels {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path driver;
    private final int redisPort;
    private final ProcessStats system;
    private final int loadGeneratorCpus;
    private final Path logs;

    BullmqLevels(Path driver, int redisPort, ProcessStats system, int loadGeneratorCpus, Path logs) {
        if (!Files.isDirectory(driver.resolveSibling("node_modules").resolve("bullmq"))) {
            throw new IllegalStateException("BullMQ is not installed for the benchmark: run 'npm ci' in "
                    + driver.getParent() + " (bin/bench does this), or leave out the bullmq peer");
        }
        this.driver = driver;
        this.redisPort = redisPort;
        this.system = system;
        this.loadGeneratorCpus = loadGeneratorCpus;
        this.logs = logs;
    }

    @Override
    public QueueLevelResult run(
            int workers, Duration warmup, Duration window, Duration drainLimit, String queue, LongConsumer tick)
            throws Exception {
        var command = List.of(
                "node",
                driver.toString(),
                "--port",
                Integer.toString(redisPort),
                "--queue",
                queue,
                "--workers",
                Integer.toString(workers),
                "--warmup-ms",
                Long.toString(warmup.toMillis()),
                "--duration-ms",
                Long.toString(window.toMillis()),
                "--drain-limit-ms",
                Long.toString(drainLimit.toMillis()));
        long begin = System.nanoTime();
        var process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.appendTo(
                        logs.resolve("bullmq-driver.log").toFile()))
                .start();
        var node = new ProcessStats(List.of(process.toHandle()));
        var drainCpu = new AtomicReference<long[]>();
        var lines = new ArrayList<String>();
        var reader = Thread.ofVirtual().start(() -> {
            try (var in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (var line = in.readLine(); line != null; line = in.readLine()) {
                    if (line.contains("\"phase\":\"drain\"")) {
                        drainCpu.set(new long[] {
                            System.nanoTime(),
                            system.cpuNanos().orElse(-1),
                            node.cpuNanos().orElse(-1)
                        });
                    } else {
                        synchronized (lines) {
                            lines.add(line);
                        }
                    }
                }
            } catch (java.io.IOException e) {
                // The driver ended; its exit code and output say what happened.
            }
        });
        long lastNodeCpu = 0;
        while (!process.waitFor(100, TimeUnit.MILLISECONDS)) {
            // Read while it lives: /proc forgets the driver once it exits.
            lastNodeCpu = node.cpuNanos().orElse(lastNodeCpu);
            tick.accept(Duration.ofNanos(System.nanoTime() - begin).toMillis());
        }
        long end = System.nanoTime();
        OptionalLong systemAfter = system.cpuNanos();
        reader.join(Duration.ofSeconds(5));
        String last;
        synchronized (lines) {
            last = lines.isEmpty() ? "" : lines.getLast();
        }
        if (process.exitValue() != 0 || !last.startsWith("{")) {
            throw new IllegalStateException("The BullMQ driver exited with " + process.exitValue() + ": " + last
                    + "; see " + logs.resolve("bullmq-driver.log"));
        }
        JsonNode r = JSON.readTree(last);
        Double cores = null;
        Double perJob = null;
        double loadShare = 0;
        var mark = drainCpu.get();
        if (mark != null) {
            double drainNanos = Math.max(1, end - mark[0]);
            if (mark[1] >= 0 && systemAfter.isPresent()) {
                long used = systemAfter.getAsLong() - mark[1];
                cores = used / drainNanos;
                perJob = r.path("completed").asLong() == 0
                        ? null
                        : used / 1000.0 / r.path("completed").asLong();
            }
            // The driver's CPU as last read before it exited (at most 100 ms short).
            loadShare = mark[2] < 0 ? 0 : Math.max(0, lastNodeCpu - mark[2]) / drainNanos / loadGeneratorCpus;
        }
        return new QueueLevelResult(
                "bullmq",
                workers,
                r.path("enqueued").asLong(),
                r.path("enqueuePerSecond").asDouble(),
                r.path("enqueueP50Ms").asDouble(),
                r.path("enqueueP99Ms").asDouble(),
                r.path("backlog").asLong(),
                r.path("completed").asLong(),
                r.path("drainSeconds").asDouble(),
                r.path("jobsPerSecond").asDouble(),
                r.path("claimP50Ms").asDouble(),
                r.path("claimP95Ms").asDouble(),
                r.path("claimP99Ms").asDouble(),
                r.path("completeP50Ms").asDouble(),
                r.path("drained").asBoolean(),
                r.path("errors").asLong(),
                r.path("doubleClaims").asLong(),
                cores,
                perJob,
                loadShare,
                r.path("firstError").isString() ? r.path("firstError").asString() : null,
                java.util.Map.of());
    }

    @Override
    public void close() {}
}
