package dev.turnstile.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What the JVMs under test choose for themselves on the systems' CPUs: a JVM that sees one CPU picks the Serial
 * collector where it picks G1 on two, so pinning changes the collector unless {@code --jvm-options} names one. Asked
 * of the JVM itself ({@code -XX:+PrintFlagsFinal}) under the same pinning and options, and printed with the results.
 */
final class JvmErgonomics {

    private static final Pattern GC = Pattern.compile("bool Use(Serial|Parallel|G1|Z|Shenandoah|Epsilon)GC\\s+= true");
    private static final Pattern MAX_HEAP = Pattern.compile("size_t MaxHeapSize\\s+= (\\d+)");
    private static final Pattern PROCESSORS = Pattern.compile("int ActiveProcessorCount\\s+= (-?\\d+)");

    private JvmErgonomics() {}

    /** One line, e.g. "Serial GC, max heap 5.9 GiB"; says so when the JVM could not be asked. */
    static String describe(Pinning pinning, List<String> jvmOptions) {
        var command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-XX:+PrintFlagsFinal", "-version"));
        try {
            var process = new ProcessBuilder(pinning.forSystem(command))
                    .redirectErrorStream(true)
                    .start();
            var output = new String(process.getInputStream().readAllBytes());
            if (process.waitFor() != 0) {
                return "unknown (the JVM refused the options " + jvmOptions + ": "
                        + output.strip().lines().findFirst().orElse("") + ")";
            }
            return parse(output);
        } catch (Exception e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    /** The collector and maximum heap from {@code -XX:+PrintFlagsFinal} output. */
    static String parse(String flags) {
        var gc = GC.matcher(flags);
        var heap = MAX_HEAP.matcher(flags);
        var processors = PROCESSORS.matcher(flags);
        return String.format(
                Locale.ROOT,
                "%s GC, max heap %.1f GiB%s",
                gc.find() ? gc.group(1) : "unknown",
                heap.find() ? Long.parseLong(heap.group(1)) / (double) (1L << 30) : Double.NaN,
                processors.find() && !processors.group(1).equals("-1")
                        ? ", " + processors.group(1) + " CPUs assumed"
                        : "");
    }
}
