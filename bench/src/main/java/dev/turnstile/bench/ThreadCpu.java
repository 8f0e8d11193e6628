package dev.turnstile.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where a JVM under test spends its CPU in a level's window, by what its threads do: each thread's CPU time from
 * {@code /proc/<pid>/task}, its full name from {@code jcmd <pid> Thread.print} (read once the window is over), and
 * the name sorted into a hop of the claim path. For Turnstile's all-in-one this is the "where the time goes at 64
 * agents (CPU)" table.
 */
final class ThreadCpu {

    /**
     * A hop of the claim path, and the thread names that do its work.
     *
     * @param threads the full names
     * @param prefixes the alternatives of {@code threads} that name a thread from its start, for names cut short
     */
    record Group(String name, Pattern threads, List<Pattern> prefixes) {}

    /** In order: the first group whose pattern matches a thread's name takes it. */
    static final List<Group> GROUPS = List.of(
            group(
                    "HTTP requests on virtual threads (Tomcat, filters, Spring MVC, JSON, producing the command or"
                            + " calling JDBC)",
                    "ForkJoinPool-\\d+-worker-\\d+"),
            group("Tomcat network threads (acceptor, poller)", "http-nio-.*"),
            group("gateway producer (commands)", "kafka-producer-network-thread \\| turnstile-gateway.*"),
            group("gateway decision listener (reads decisions, answers waiting requests)", "decision-listener"),
            group(
                    "processor producer (decisions, changelog, transactions)",
                    "kafka-producer-network-thread \\| .*StreamThread.*"),
            group("Kafka Streams thread (poll, decide, RocksDB, commit)", ".*-StreamThread-\\d+"),
            group("broker request handlers", "data-plane-kafka-request-handler-\\d+"),
            group("broker network threads", "data-plane-kafka-(network-thread|socket-acceptor).*"),
            group("activity projection (read model)", "activity-projection"),
            group("RocksDB background (flush, compaction)", "rocksdb:.*"),
            group(
                    "JVM: GC, JIT compilers, VM thread",
                    "GC Thread.*|G1 .*|ZGC.*|Z[A-Z].*|VM Thread|VM Periodic Task Thread|C[12] CompilerThread.*|Service Thread"
                            + "|Monitor Deflation Thread"),
            group("connection pool (HikariCP)", "\\w+[: ](housekeeper|connection[- ]adder|connection[- ]closer)"),
            group(
                    "other Kafka threads (coordinators, controller, schedulers, reapers)",
                    "kafka-.*|broker-.*|controller-.*|quorum-controller.*|raft-.*|group-coordinator.*|share-.*"
                            + "|transaction-.*|executor-.*|ExpirationReaper.*|TxnMarkerSender.*|AddPartitionsToTxn.*"
                            + "|.*-StateUpdater-\\d+|.*-CleanupThread|PersisterStateManager|persister-.*"
                            + "|LogDirFailureHandler|SensorExpiryThread|client-metrics-reaper|network-partition.*"));

    static final String OTHER = "other threads";

    private static final Pattern THREAD_LINE =
            Pattern.compile("^\"(.*)\" .*\\bnid=(0x[0-9a-f]+|\\d+)\\b", Pattern.MULTILINE);

    private final long pid;
    private Map<Long, Long> start = Map.of();

    ThreadCpu(long pid) {
        this.pid = pid;
    }

    /** Notes each thread's CPU time at the window's start. */
    void mark() {
        start = ticksByThread(pid);
    }

    /**
     * CPU used since {@link #mark()}, in cores (1.0 = one CPU busy for the window), by group, largest first; empty
     * when the threads cannot be read.
     */
    Map<String, Double> since(long windowNanos) {
        var end = ticksByThread(pid);
        if (end.isEmpty()) {
            return Map.of();
        }
        Map<Long, String> names;
        try {
            names = names(jcmdThreadPrint(pid));
        } catch (Exception e) {
            names = Map.of();
        }
        var byGroup = new HashMap<String, Double>();
        var others = new HashMap<String, Double>();
        for (var thread : end.entrySet()) {
            long ticks = thread.getValue() - start.getOrDefault(thread.getKey(), 0L);
            if (ticks > 0) {
                var name = names.get(thread.getKey());
                var group = name != null ? groupOf(name) : groupOfTruncated(comm(pid, thread.getKey()));
                double cores = ticks * 1e7 / windowNanos;
                byGroup.merge(group, cores, Double::sum);
                if (group.equals(OTHER)) {
                    others.merge(
                            (name != null ? name : comm(pid, thread.getKey())).replaceAll("\\d+", "#"),
                            cores,
                            Double::sum);
                }
            }
        }
        // The busiest unsorted threads by name, so that a new kind of thread shows up in the report.
        var other = byGroup.remove(OTHER);
        if (other != null) {
            byGroup.put(
                    OTHER + " ("
                            + String.join(
                                    ", ",
                                    others.entrySet().stream()
                                            .sorted(Map.Entry.<String, Double>comparingByValue()
                                                    .reversed())
                                            .limit(3)
                                            .map(Map.Entry::getKey)
                                            .toList())
                            + ")",
                    other);
        }
        var sorted = new LinkedHashMap<String, Double>();
        byGroup.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(entry -> sorted.put(entry.getKey(), entry.getValue()));
        return sorted;
    }

    /** The group a thread of this name belongs to. */
    static String groupOf(String threadName) {
        return GROUPS.stream()
                .filter(group -> group.threads().matcher(threadName).matches())
                .map(Group::name)
                .findFirst()
                .orElse(OTHER);
    }

    /**
     * The group of a thread known only by its kernel name, which Linux cuts to 15 characters: the first group that
     * a name beginning with it could match.
     */
    static String groupOfTruncated(String comm) {
        for (var group : GROUPS) {
            if (group.threads().matcher(comm).matches()) {
                return group.name();
            }
            for (var prefix : group.prefixes()) {
                var matcher = prefix.matcher(comm);
                if (comm.length() == 15 && !matcher.matches() && matcher.hitEnd()) {
                    return group.name();
                }
            }
        }
        return OTHER;
    }

    /** Thread names by native id from {@code jcmd <pid> Thread.print} (nid decimal from JDK 21, hexadecimal before). */
    static Map<Long, String> names(String threadPrint) {
        var names = new HashMap<Long, String>();
        var line = THREAD_LINE.matcher(threadPrint);
        while (line.find()) {
            var nid = line.group(2);
            names.put(nid.startsWith("0x") ? Long.parseLong(nid.substring(2), 16) : Long.parseLong(nid), line.group(1));
        }
        return names;
    }

    private static String jcmdThreadPrint(long pid) throws Exception {
        var jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        var process = new ProcessBuilder(jcmd, Long.toString(pid), "Thread.print")
                .redirectErrorStream(true)
                .start();
        var output = new String(process.getInputStream().readAllBytes());
        process.waitFor();
        return output;
    }

    /** utime + stime of each thread of {@code pid}, in clock ticks (1/100 s). */
    private static Map<Long, Long> ticksByThread(long pid) {
        var ticks = new HashMap<Long, Long>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            tasks.forEach(task -> {
                try {
                    var stat = Files.readString(task.resolve("stat"));
                    var fields =
                            stat.substring(stat.lastIndexOf(')') + 2).strip().split(" ");
                    ticks.put(
                            Long.parseLong(task.getFileName().toString()),
                            Long.parseLong(fields[14 - 3]) + Long.parseLong(fields[15 - 3]));
                } catch (IOException | RuntimeException e) {
                    // The thread ended meanwhile.
                }
            });
        } catch (IOException e) {
            return Map.of();
        }
        return ticks;
    }

    private static String comm(long pid, long tid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "task", Long.toString(tid), "comm"))
                    .strip();
        } catch (IOException e) {
            return "";
        }
    }

    private static Group group(String name, String threads) {
        var prefixes = new java.util.ArrayList<Pattern>();
        int depth = 0;
        int from = 0;
        for (int i = 0; i <= threads.length(); i++) {
            char c = i < threads.length() ? threads.charAt(i) : '|';
            if (c == '\\') {
                i++; // an escaped character, such as \|
            } else if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == '|' && depth == 0) {
                var alternative = threads.substring(from, i);
                if (!alternative.startsWith(".*")) {
                    prefixes.add(Pattern.compile(alternative));
                }
                from = i + 1;
            }
        }
        return new Group(name, Pattern.compile(threads), List.copyOf(prefixes));
    }
}
