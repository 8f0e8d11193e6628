package dev.turnstile.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Where one agent's claim spends its time in Turnstile, hop by hop, from times the claim already carries: when the
 * agent sent it and got the answer (the load generator's clock), when the gateway took it ({@code attemptedAt}, the
 * command's time, carried by the decision), and when the command and then the decision appeared in their topics (a
 * consumer of the benchmark's reading both, {@code read_uncommitted} like the gateway). One machine, one clock.
 *
 * @param claims claims timed
 * @param hops each hop's figures, in the order a claim takes them
 */
record HopBreakdown(int claims, List<Hop> hops) {

    /**
     * One hop.
     *
     * @param name what happens in it
     * @param p50Ms median
     * @param p99Ms 99th percentile
     * @param meanMs mean
     */
    record Hop(String name, double p50Ms, double p99Ms, double meanMs) {}

    /** The hops' names, in order; the last is the whole claim. */
    static final List<String> NAMES = List.of(
            "agent -> gateway took the claim (HTTP, servlet filters, JSON, validation)",
            "gateway -> command in claim-requests (produce, broker append)",
            "command -> decision in claim-decisions (processor: fetch, decide, RocksDB, produce)",
            "decision -> agent has the answer (gateway's decision fetch, hand-off, JSON, HTTP)",
            "whole claim, as the agent saw it");

    /**
     * From each claim's times in microseconds, in the order of {@link #NAMES} but as instants: sent, taken by the
     * gateway, command seen, decision seen, answered.
     */
    static HopBreakdown of(List<long[]> instantsMicros) {
        var durations = new ArrayList<double[]>();
        for (int hop = 0; hop < NAMES.size(); hop++) {
            durations.add(new double[instantsMicros.size()]);
        }
        for (int i = 0; i < instantsMicros.size(); i++) {
            var t = instantsMicros.get(i);
            for (int hop = 0; hop < 4; hop++) {
                durations.get(hop)[i] = (t[hop + 1] - t[hop]) / 1000.0;
            }
            durations.get(4)[i] = (t[4] - t[0]) / 1000.0;
        }
        var hops = new ArrayList<Hop>();
        for (int hop = 0; hop < NAMES.size(); hop++) {
            var values = durations.get(hop);
            Arrays.sort(values);
            hops.add(new Hop(
                    NAMES.get(hop),
                    percentile(values, 50),
                    percentile(values, 99),
                    Arrays.stream(values).average().orElse(Double.NaN)));
        }
        return new HopBreakdown(instantsMicros.size(), hops);
    }

    /** Nearest-rank percentile of sorted values; NaN when there are none. */
    static double percentile(double[] sorted, double percent) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(percent / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    List<String> describeLines() {
        var lines = new ArrayList<String>();
        lines.add(String.format(
                Locale.ROOT,
                "%-86s %8s %8s %8s",
                "hop (" + claims + " claims, 1 agent, new keys)",
                "p50 ms",
                "p99 ms",
                "mean ms"));
        for (var hop : hops) {
            lines.add(String.format(
                    Locale.ROOT, "%-86s %8.2f %8.2f %8.2f", hop.name(), hop.p50Ms(), hop.p99Ms(), hop.meanMs()));
        }
        lines.add("Measured after the levels, with the benchmark reading both topics (an extra consumer on the broker);"
                + " the times a record is seen include that consumer's wake-up, which lengthens the second hop and"
                + " shortens the fourth by as much. Hop percentiles do not add up to the whole claim's.");
        if (hops.get(3).p50Ms() < 0 || hops.get(3).meanMs() < 0) {
            lines.add("The fourth hop came out negative: the benchmark's consumer saw decisions after the agent had"
                    + " its answer (a busy load-generator CPU), so the split between the second and fourth hops is"
                    + " unreliable in this run; the third hop and the whole claim are not affected.");
        }
        return lines;
    }
}
