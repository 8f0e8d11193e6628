package dev.turnstile.allinone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The all-in-one started as bin/turnstile starts it (its jvm.options): every memory area that grows with load has a
 * bound, the bounds add up to well under 1 GiB, and the resident size under load stays under it.
 */
class MemoryBudgetIT {

    private static final long MiB = 1024 * 1024;
    private static final long GiB = 1024 * MiB;
    /** Defaults of turnstile.processor.rocksdb-memory and turnstile.projections.rocksdb-memory. */
    private static final long ROCKSDB = 64 * MiB + 32 * MiB;
    /** What an unbounded area counts as here. */
    private static final long UNBOUNDED = 64 * GiB;
    /**
     * Left for what has no flag of its own, as measured with native memory tracking under 64 agents: GC structures
     * (about 45 MB), thread stacks (15), symbols (20), the JVM's own bookkeeping (15), the broker's index maps (40).
     */
    private static final long UNFLAGGED = 192 * MiB;

    private Path dataDir;

    @BeforeEach
    void createDataDir() throws IOException {
        dataDir = Files.createTempDirectory("turnstile-memory-");
    }

    @AfterEach
    void deleteDataDir() throws IOException {
        try (var paths = Files.walk(dataDir)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        }
    }

    @Test
    void every_growing_memory_area_is_bounded_the_bounds_fit_in_1_gib_and_load_stays_under_it() throws Exception {
        try (var turnstile = LauncherProcess.start("memory", dataDir).awaitStarted(Duration.ofSeconds(120))) {
            load(turnstile, Duration.ofSeconds(30));

            var flags = jvmFlags(turnstile.pid());
            long budget = flags.get("MaxHeapSize")
                    + flags.get("MaxMetaspaceSize")
                    + flags.get("ReservedCodeCacheSize")
                    + flags.get("MaxDirectMemorySize")
                    + ROCKSDB;
            long resident = residentBytes(turnstile.pid());
            System.out.printf(
                    "Memory bounds %s + RocksDB %d MiB = %d MiB; resident after load %d MiB%n",
                    flags, ROCKSDB / MiB, budget / MiB, resident / MiB);

            assertThat(flags)
                    .as("bounds of the heap, class metadata, compiled code and direct buffers")
                    .allSatisfy((flag, value) -> assertThat(value).as(flag).isLessThan(UNBOUNDED));
            assertThat(budget).as("sum of the bounds").isLessThanOrEqualTo(GiB - UNFLAGGED);
            assertThat(resident).as("resident size after load").isLessThan(GiB);
        }
    }

    /** 16 agents claiming fresh keys for {@code duration}. */
    private static void load(LauncherProcess turnstile, Duration duration) throws InterruptedException {
        var stop = new AtomicBoolean();
        var answered = new AtomicInteger();
        try (var agents = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int agent = 0; agent < 16; agent++) {
                var agentId = "agent-" + agent;
                agents.submit(() -> {
                    while (!stop.get()) {
                        var sha = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
                        if (turnstile.claim("memory", sha, agentId).statusCode() == 200) {
                            answered.incrementAndGet();
                        }
                    }
                    return null;
                });
            }
            await().during(duration).atMost(duration.plusSeconds(10)).until(turnstile::isAlive);
            stop.set(true);
        }
        assertThat(answered).hasPositiveValue();
    }

    /** The JVM's own view of its limits, from jcmd: heap, metaspace, code cache, direct buffers. */
    private static Map<String, Long> jvmFlags(long pid) throws IOException, InterruptedException {
        var jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        var process = new ProcessBuilder(jcmd, Long.toString(pid), "VM.flags", "-all")
                .redirectErrorStream(true)
                .start();
        var output = new String(process.getInputStream().readAllBytes());
        process.waitFor(30, TimeUnit.SECONDS);
        var flags = new java.util.TreeMap<String, Long>();
        for (var name :
                new String[] {"MaxHeapSize", "MaxMetaspaceSize", "ReservedCodeCacheSize", "MaxDirectMemorySize"}) {
            var matcher = Pattern.compile("\\s" + name + "\\s+=\\s+(\\d+)").matcher(output);
            assertThat(matcher.find())
                    .as("jcmd VM.flags shows %s:%n%s", name, output)
                    .isTrue();
            long value = Long.parseUnsignedLong(matcher.group(1));
            // Unset, metaspace is unlimited (2^64 - 1) and the heap a quarter of the machine's memory.
            flags.put(name, value < 0 || value > UNBOUNDED ? UNBOUNDED : value);
        }
        // Unset (0), direct buffers may take as much as the heap.
        flags.computeIfPresent("MaxDirectMemorySize", (name, value) -> value == 0 ? flags.get("MaxHeapSize") : value);
        return flags;
    }

    private static long residentBytes(long pid) throws IOException {
        var status = Files.readString(Path.of("/proc", Long.toString(pid), "status"));
        var matcher = Pattern.compile("VmRSS:\\s+(\\d+) kB").matcher(status);
        assertThat(matcher.find()).as("/proc/%d/status has VmRSS", pid).isTrue();
        return Long.parseLong(matcher.group(1)) * 1024;
    }
}
