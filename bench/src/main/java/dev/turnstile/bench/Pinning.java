package dev.turnstile.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where the load generator and the systems under test run. The rule, the same for every peer: the load generator
 * (this JVM) on one set of CPUs, and the system under test <em>with everything it needs</em> — Turnstile's
 * all-in-one (its broker is inside it), the PostgreSQL service's JVM and its PostgreSQL, PostgreSQL or etcd alone —
 * on the other. On 2 CPUs: load generator on CPU 0, system under test on CPU 1. Done with {@code taskset}: the
 * benchmark pins its own threads, and starts each system's processes under {@code taskset -c}, so that their
 * children (PostgreSQL's backends) inherit the set.
 *
 * @param loadGenerator the load generator's CPUs; null when not pinned
 * @param systemUnderTest the systems' CPUs; null when not pinned
 * @param allowed the CPUs this process may use, when known
 * @param offReason why nothing is pinned; null when pinned
 */
record Pinning(CpuSet loadGenerator, CpuSet systemUnderTest, CpuSet allowed, String offReason) {

    static Pinning off(CpuSet allowed, String reason) {
        return new Pinning(null, null, allowed, reason);
    }

    boolean active() {
        return offReason == null;
    }

    /**
     * The plan: half the allowed CPUs (rounded down, at least one) for the load generator, the rest for the system
     * under test, unless both sets are given; off, with the reason, where pinning is impossible.
     *
     * @param wanted false when turned off on the command line
     * @param allowed the CPUs this process may use; empty when unknown (not Linux)
     * @param tasksetInstalled whether {@code taskset} can be run
     * @param loadGenerator the load generator's CPUs as given, or null
     * @param systemUnderTest the systems' CPUs as given, or null
     */
    static Pinning plan(
            boolean wanted,
            Optional<CpuSet> allowed,
            boolean tasksetInstalled,
            CpuSet loadGenerator,
            CpuSet systemUnderTest) {
        var cpus = allowed.orElse(null);
        if (!wanted) {
            return off(cpus, "turned off with --pin=off");
        }
        if (cpus == null) {
            return off(null, "the CPUs this process may use are unknown (pinning needs Linux's /proc and taskset)");
        }
        if (!tasksetInstalled) {
            return off(cpus, "taskset is not installed (Debian: apt-get install util-linux)");
        }
        if ((loadGenerator == null) != (systemUnderTest == null)) {
            throw new IllegalArgumentException(
                    "Give both --load-generator-cpus and --system-cpus, or neither (then the benchmark splits "
                            + cpus.describe() + " in two)");
        }
        if (loadGenerator != null) {
            if (!cpus.containsAll(loadGenerator) || !cpus.containsAll(systemUnderTest)) {
                throw new IllegalArgumentException("The CPUs to pin to must be among those this process may use ("
                        + cpus + "); got load generator " + loadGenerator + ", systems " + systemUnderTest);
            }
            if (loadGenerator.overlaps(systemUnderTest)) {
                throw new IllegalArgumentException("The load generator's CPUs (" + loadGenerator
                        + ") and the systems' CPUs (" + systemUnderTest + ") must not overlap");
            }
            return new Pinning(loadGenerator, systemUnderTest, cpus, null);
        }
        if (cpus.size() < 2) {
            return off(cpus, "only " + cpus.describe() + " may be used: separate CPUs need two or more");
        }
        int forLoad = cpus.size() / 2;
        return new Pinning(cpus.first(forLoad), cpus.after(forLoad), cpus, null);
    }

    /** The CPUs this process may use, from {@code /proc/self/status}; empty where unknown. */
    static Optional<CpuSet> allowedCpus() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(line -> line.startsWith("Cpus_allowed_list:"))
                    .map(line -> CpuSet.parse(line.substring(line.indexOf(':') + 1)))
                    .findFirst();
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    static boolean tasksetInstalled() {
        return Files.isExecutable(Path.of("/usr/bin/taskset")) || Files.isExecutable(Path.of("/bin/taskset"));
    }

    /** Pins every thread of this JVM (and so the threads it starts later) to the load generator's CPUs. */
    void pinThisProcess() throws IOException, InterruptedException {
        if (!active()) {
            return;
        }
        var command = List.of(
                "taskset",
                "-a",
                "-p",
                "-c",
                loadGenerator.toString(),
                Long.toString(ProcessHandle.current().pid()));
        var process = new ProcessBuilder(command).redirectErrorStream(true).start();
        var output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new IllegalStateException("Could not pin the load generator (" + String.join(" ", command) + "): "
                    + output.strip() + ". Run with --pin=off to measure without pinning.");
        }
    }

    /** {@code command} run on the systems' CPUs (unchanged when not pinned). */
    List<String> forSystem(List<String> command) {
        if (!active()) {
            return command;
        }
        var pinned = new ArrayList<>(List.of("taskset", "-c", systemUnderTest.toString()));
        pinned.addAll(command);
        return pinned;
    }

    /** One sentence for the report. */
    String describe() {
        if (!active()) {
            return "not pinned: " + offReason + "; the load generator and the systems under test share "
                    + (allowed == null ? "the machine's CPUs" : allowed.describe());
        }
        return "load generator on " + loadGenerator.describe() + "; each system under test with its database or"
                + " broker on " + systemUnderTest.describe() + " (taskset), the same for every peer";
    }
}
