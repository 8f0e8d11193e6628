package dev.turnstile.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The machine a run was made on, so that every absolute figure says where it comes from.
 *
 * @param cpuModel the CPU's model name
 * @param onlineCpus CPUs online on the machine
 * @param allowedCpus CPUs this process may use ({@code taskset}/cpuset), e.g. {@code 0-1}
 * @param cpuQuota a cgroup CPU limit such as "1.5 CPUs", or null when there is none
 * @param memoryBytes physical memory
 * @param jdk the JDK that runs the benchmark and every JVM it starts
 * @param os the distribution and kernel
 * @param loadAverage the 1-minute load average when the run started
 */
record Machine(
        String cpuModel,
        int onlineCpus,
        String allowedCpus,
        String cpuQuota,
        long memoryBytes,
        String jdk,
        String os,
        double loadAverage) {

    static Machine describe() {
        var online = CpuSet.parse(read(
                "/sys/devices/system/cpu/online", "0-" + (Runtime.getRuntime().availableProcessors() - 1)));
        return new Machine(
                cpuModel(read("/proc/cpuinfo", "")),
                online.size(),
                Pinning.allowedCpus().map(CpuSet::toString).orElse("unknown"),
                cpuQuota(read("/sys/fs/cgroup/cpu.max", "max")),
                memTotalBytes(read("/proc/meminfo", "")),
                System.getProperty("java.vm.vendor") + " " + System.getProperty("java.vm.name") + " "
                        + System.getProperty("java.runtime.version"),
                prettyName(read("/etc/os-release", "")) + ", " + System.getProperty("os.name") + " "
                        + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                loadAverage(read("/proc/loadavg", "NaN")));
    }

    /** The first {@code model name} of {@code /proc/cpuinfo}. */
    static String cpuModel(String cpuinfo) {
        return cpuinfo.lines()
                .filter(line -> line.startsWith("model name"))
                .map(line -> line.substring(line.indexOf(':') + 1).strip())
                .findFirst()
                .orElse("unknown CPU");
    }

    /** {@code MemTotal} of {@code /proc/meminfo}, in bytes; 0 when absent. */
    static long memTotalBytes(String meminfo) {
        return meminfo.lines()
                .filter(line -> line.startsWith("MemTotal:"))
                .map(line -> Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024)
                .findFirst()
                .orElse(0L);
    }

    /** {@code PRETTY_NAME} of {@code /etc/os-release}. */
    static String prettyName(String osRelease) {
        return osRelease
                .lines()
                .filter(line -> line.startsWith("PRETTY_NAME="))
                .map(line -> line.substring("PRETTY_NAME=".length()).replace("\"", ""))
                .findFirst()
                .orElse("unknown distribution");
    }

    /** A cgroup v2 {@code cpu.max} ("quota period", or "max period") as "1.5 CPUs"; null when unlimited. */
    static String cpuQuota(String cpuMax) {
        var parts = cpuMax.strip().split("\\s+");
        if (parts.length != 2 || parts[0].equals("max")) {
            return null;
        }
        return String.format(Locale.ROOT, "%.1f CPUs", Double.parseDouble(parts[0]) / Double.parseDouble(parts[1]));
    }

    /** The first field of {@code /proc/loadavg}. */
    static double loadAverage(String loadavg) {
        try {
            return Double.parseDouble(loadavg.strip().split("\\s+")[0]);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** Whether others were using the machine when the run started (load above half its CPUs). */
    boolean busy() {
        return loadAverage > onlineCpus / 2.0;
    }

    /** The lines the report prints. */
    String describeLines() {
        var lines = String.format(
                Locale.ROOT,
                "Machine: %s, %d CPUs online (this process may use %s%s), %.1f GiB of"
                        + " memory, %s%nJDK: %s (the load generator and every JVM under test)%nLoad average when the"
                        + " run started: %.2f",
                cpuModel,
                onlineCpus,
                allowedCpus,
                cpuQuota == null ? "" : ", cgroup limit " + cpuQuota,
                memoryBytes / (1024.0 * 1024 * 1024),
                os,
                jdk,
                loadAverage);
        return busy()
                ? lines + " — the machine was busy: this run's absolute figures are not representative, and its"
                        + " ratios are noisier"
                : lines;
    }

    private static String read(String file, String absent) {
        try {
            return Files.readString(Path.of(file));
        } catch (IOException e) {
            return absent;
        }
    }
}
