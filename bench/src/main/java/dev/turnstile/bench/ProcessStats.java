package dev.turnstile.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * CPU time and memory of a system under test's processes (and their children, such as PostgreSQL's backends), read
 * from Linux's {@code /proc}. Where {@code /proc} is missing, the figures are unknown rather than zero.
 */
final class ProcessStats {

    /** Linux's USER_HZ, the unit of {@code /proc/<pid>/stat} CPU times, on every architecture it runs the JDK on. */
    private static final long TICKS_PER_SECOND = 100;

    private final List<ProcessHandle> roots;

    ProcessStats(List<ProcessHandle> roots) {
        this.roots = List.copyOf(roots);
    }

    /** The processes started and all their live descendants. */
    List<ProcessHandle> processes() {
        var all = new ArrayList<ProcessHandle>();
        for (var root : roots) {
            if (root.isAlive()) {
                all.add(root);
            }
            root.descendants().forEach(all::add);
        }
        return all;
    }

    /**
     * CPU time (user + system) of the live processes and of the children they have reaped (such as PostgreSQL's
     * autovacuum workers), in nanoseconds; empty when unreadable.
     */
    OptionalLong cpuNanos() {
        if (roots.isEmpty() || !Files.isDirectory(Path.of("/proc/self"))) {
            return OptionalLong.empty();
        }
        long ticks = 0;
        for (var process : processes()) {
            var stat = read(process.pid(), "stat");
            if (stat != null) { // null: ended meanwhile
                ticks += cpuTicks(stat);
            }
        }
        return OptionalLong.of(ticks * (1_000_000_000L / TICKS_PER_SECOND));
    }

    /** Proportional set size of the live processes (shared pages divided among their sharers), in bytes. */
    OptionalLong pssBytes() {
        long kib = 0;
        boolean any = false;
        for (var process : processes()) {
            var rollup = read(process.pid(), "smaps_rollup");
            if (rollup != null) {
                kib += kibField(rollup, "Pss:").orElse(0);
                any = true;
            }
        }
        return any ? OptionalLong.of(kib * 1024) : OptionalLong.empty();
    }

    /** Resident set size of one process, in bytes. */
    static OptionalLong rssBytes(long pid) {
        var status = read(pid, "status");
        if (status == null) {
            return OptionalLong.empty();
        }
        var kib = kibField(status, "VmRSS:");
        return kib.isPresent() ? OptionalLong.of(kib.getAsLong() * 1024) : OptionalLong.empty();
    }

    /**
     * utime + stime + cutime + cstime of a {@code /proc/<pid>/stat} line (the process's own CPU time and that of the
     * children it has waited for); the command name may hold spaces and parentheses.
     */
    static long cpuTicks(String stat) {
        var fields = stat.substring(stat.lastIndexOf(')') + 2).strip().split(" ");
        // The fields after the name start at field 3 (state); utime, stime, cutime and cstime are fields 14 to 17.
        long ticks = 0;
        for (int field = 14; field <= 17; field++) {
            ticks += Long.parseLong(fields[field - 3]);
        }
        return ticks;
    }

    /** A {@code Name:   123 kB} field of {@code status} or {@code smaps_rollup}, in KiB. */
    static OptionalLong kibField(String text, String name) {
        return text.lines()
                .filter(line -> line.startsWith(name))
                .mapToLong(line -> Long.parseLong(
                        line.substring(name.length()).replace("kB", "").strip()))
                .findFirst();
    }

    private static String read(long pid, String file) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), file));
        } catch (IOException e) {
            return null;
        }
    }

    /** Stats of nothing: for a system the benchmark did not start. */
    static ProcessStats none() {
        return new ProcessStats(Stream.<ProcessHandle>empty().toList());
    }

    boolean isEmpty() {
        return roots.isEmpty();
    }
}
