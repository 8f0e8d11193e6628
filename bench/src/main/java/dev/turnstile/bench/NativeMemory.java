package dev.turnstile.bench;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What a JVM's Native Memory Tracking summary ({@code jcmd <pid> VM.native_memory summary}) says it has committed, by
 * category. Memory the JVM does not allocate itself — RocksDB's block cache and memtables, glibc's malloc arenas
 * — is outside NMT: the resident set minus NMT's total estimates it.
 *
 * @param totalCommittedKib everything NMT tracks
 * @param mallocKib what the JVM allocated with malloc (the rest of NMT's total is mapped memory)
 * @param committedKib by category, in the summary's order ("Java Heap", "Class", "Metaspace", "Other", ...)
 * @param resident what the JVM's resident memory is made of (System.map), or null when it could not be read
 */
record NativeMemory(long totalCommittedKib, long mallocKib, Map<String, Long> committedKib, ResidentMemory resident) {

    private static final Pattern TOTAL =
            Pattern.compile("^Total: reserved=\\d+KB, committed=(\\d+)KB", Pattern.MULTILINE);
    private static final Pattern MALLOC = Pattern.compile("^\\s+malloc: (\\d+)KB", Pattern.MULTILINE);
    private static final Pattern CATEGORY =
            Pattern.compile("^-\\s+(.+?) \\(reserved=\\d+KB, committed=(\\d+)KB", Pattern.MULTILINE);

    /** Reads a summary; throws when the text is not one (NMT off, or the process gone). */
    static NativeMemory parse(String summary) {
        var total = TOTAL.matcher(summary);
        if (!total.find()) {
            throw new IllegalArgumentException("Not a Native Memory Tracking summary (was the JVM started with"
                    + " -XX:NativeMemoryTracking=summary?): "
                    + summary.strip().lines().findFirst().orElse("(empty)"));
        }
        var malloc = MALLOC.matcher(summary);
        var categories = new LinkedHashMap<String, Long>();
        var category = CATEGORY.matcher(summary);
        while (category.find()) {
            categories.put(category.group(1).strip(), Long.parseLong(category.group(2)));
        }
        return new NativeMemory(
                Long.parseLong(total.group(1)), malloc.find() ? Long.parseLong(malloc.group(1)) : 0, categories, null);
    }

    NativeMemory withResident(ResidentMemory resident) {
        return new NativeMemory(totalCommittedKib, mallocKib, committedKib, resident);
    }

    /**
     * Runs {@code jcmd <pid> VM.native_memory summary}, and {@code System.map} for what is resident, with this JDK's
     * jcmd; the resident part is left out where {@code System.map} is missing (before JDK 22).
     */
    static NativeMemory of(long pid) throws Exception {
        var jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        var process = new ProcessBuilder(jcmd, Long.toString(pid), "VM.native_memory", "summary")
                .redirectErrorStream(true)
                .start();
        var output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new IllegalStateException("jcmd " + pid + " VM.native_memory summary failed: " + output.strip());
        }
        var summary = parse(output);
        try {
            return summary.withResident(ResidentMemory.of(pid));
        } catch (Exception e) {
            return summary;
        }
    }

    long heapKib() {
        return kib("Java Heap");
    }

    /** Class metadata: the metaspace and the compressed class space. */
    long metaspaceKib() {
        return kib("Metaspace") + kib("Class");
    }

    /** NMT's "Other": chiefly direct byte buffers (network and file I/O buffers, Kafka's and Tomcat's). */
    long directBuffersKib() {
        return kib("Other");
    }

    long threadsKib() {
        return kib("Thread");
    }

    long codeKib() {
        return kib("Code");
    }

    long gcKib() {
        return kib("GC");
    }

    /** Everything else NMT tracks (symbols, internal, compiler, shared class space, ...). */
    long restOfJvmKib() {
        return totalCommittedKib - heapKib() - metaspaceKib() - directBuffersKib() - threadsKib() - codeKib() - gcKib();
    }

    private long kib(String category) {
        return committedKib.getOrDefault(category, 0L);
    }

    /**
     * The breakdown: NMT's committed figures by category, then what is resident (when known), which separates
     * memory outside the JVM's accounting, chiefly RocksDB.
     */
    String describe() {
        var committed = String.format(
                Locale.ROOT,
                "committed: heap %s, metaspace %s, direct buffers %s, thread stacks"
                        + " %s, code %s, GC %s, rest of the JVM %s; NMT total %s (malloc %s)",
                mib(heapKib()),
                mib(metaspaceKib()),
                mib(directBuffersKib()),
                mib(threadsKib()),
                mib(codeKib()),
                mib(gcKib()),
                mib(restOfJvmKib()),
                mib(totalCommittedKib),
                mib(mallocKib));
        return resident == null
                ? committed + "; what is resident is unknown (jcmd System.map needs JDK 22+ on Linux)"
                : committed + "\n  " + resident.describe(this);
    }

    static String mib(long kib) {
        return String.format(Locale.ROOT, "%,d MiB", Math.round(kib / 1024.0));
    }
}
