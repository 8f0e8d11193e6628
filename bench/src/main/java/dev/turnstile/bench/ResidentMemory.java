package dev.turnstile.bench;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * What a JVM's resident memory is made of, from {@code jcmd <pid> System.map}: every mapping with its resident size and,
 * with Native Memory Tracking on, what the JVM uses it for. Together with NMT's malloc total it separates memory
 * the JVM accounts for from memory it does not — chiefly RocksDB's block cache and memtables, allocated with malloc
 * by the native library.
 *
 * @param heapKib resident Java heap
 * @param jvmMappedKib resident mappings the JVM made for itself: class space, metaspace, code, GC data, thread
 *     stacks, CDS
 * @param filesKib resident file mappings the JVM does not annotate: the JDK's and native libraries, the JDK image
 * @param anonymousKib resident anonymous memory the JVM does not annotate: malloc arenas, the native libraries' own
 *     mappings
 */
record ResidentMemory(long heapKib, long jvmMappedKib, long filesKib, long anonymousKib) {

    private static final Pattern MAPPING = Pattern.compile(
            "^0x[0-9a-f]+-0x[0-9a-f]+\\s+\\d+\\s+\\S+\\s+(\\d+)\\s+\\d+\\s+\\S+\\s+\\S+\\s+(\\S+)\\s+(\\S+)\\s*$",
            Pattern.MULTILINE);

    static ResidentMemory parse(String systemMap) {
        long heap = 0;
        long jvm = 0;
        long files = 0;
        long anonymous = 0;
        var mapping = MAPPING.matcher(systemMap);
        boolean any = false;
        while (mapping.find()) {
            any = true;
            long kib = Long.parseLong(mapping.group(1)) / 1024;
            var info = mapping.group(2);
            var file = mapping.group(3);
            if (info.startsWith("JAVAHEAP")) {
                heap += kib;
            } else if (!info.equals("-")) {
                jvm += kib;
            } else if (file.startsWith("/")) {
                files += kib;
            } else {
                anonymous += kib;
            }
        }
        if (!any) {
            throw new IllegalArgumentException("Not a System.map listing (JDK 22 or newer on Linux): "
                    + systemMap.strip().lines().findFirst().orElse("(empty)"));
        }
        return new ResidentMemory(heap, jvm, files, anonymous);
    }

    /** Runs {@code jcmd <pid> System.map} with this JDK's jcmd. */
    static ResidentMemory of(long pid) throws Exception {
        var jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        var process = new ProcessBuilder(jcmd, Long.toString(pid), "System.map")
                .redirectErrorStream(true)
                .start();
        var output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new IllegalStateException("jcmd " + pid + " System.map failed: " + output.strip());
        }
        return parse(output);
    }

    long totalKib() {
        return heapKib + jvmMappedKib + filesKib + anonymousKib;
    }

    /** Anonymous memory beyond what NMT says the JVM allocated with malloc: RocksDB and the allocator's arenas. */
    long outsideJvmKib(NativeMemory nmt) {
        return Math.max(0, anonymousKib - nmt.mallocKib());
    }

    /** The breakdown in one line, with NMT's committed figures beside the resident ones. */
    String describe(NativeMemory nmt) {
        return String.format(
                java.util.Locale.ROOT,
                "resident %s: Java heap %s (%s committed), the JVM's own mappings"
                        + " (metaspace, class space, code, GC, thread stacks, CDS) %s, files (libraries) %s,"
                        + " anonymous %s = the JVM's malloc %s (NMT; direct buffers %s of it) + about %s outside the"
                        + " JVM's accounting (RocksDB, malloc arenas)",
                NativeMemory.mib(totalKib()),
                NativeMemory.mib(heapKib),
                NativeMemory.mib(nmt.heapKib()),
                NativeMemory.mib(jvmMappedKib),
                NativeMemory.mib(filesKib),
                NativeMemory.mib(anonymousKib),
                NativeMemory.mib(Math.min(anonymousKib, nmt.mallocKib())),
                NativeMemory.mib(nmt.directBuffersKib()),
                NativeMemory.mib(outsideJvmKib(nmt)));
    }
}
