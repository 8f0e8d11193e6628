package dev.turnstile.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A system's warm-up, run until its throughput is steady rather than for a fixed time. A JVM pinned to one CPU
 * compiles its hot paths on that same CPU, under load: the all-in-one went from 198 to 1,378 claims/s over its first
 * three minutes at 64 agents, so a fixed 45 s left it measured half-compiled, while the smaller PostgreSQL service was
 * steady within 90 s. The same rule holds for every peer: load at 64 agents for at least {@code minimum}, then in
 * {@link #WINDOW}s until one window's throughput is within {@link #STEADY} of the one before, or {@code maximum} has
 * passed (then the report says the system never became steady).
 */
final class WarmUp {

    /** Each window after the minimum. */
    static final Duration WINDOW = Duration.ofSeconds(15);

    /** Two consecutive windows within this share of each other: steady. */
    static final double STEADY = 0.05;

    /** Runs {@code length} of load at 64 agents and returns its throughput (claims or jobs per second). */
    @FunctionalInterface
    interface Window {
        double run(Duration length, int index) throws Exception;
    }

    /**
     * What the warm-up did.
     *
     * @param rates each window's throughput, the minimum's first
     * @param took the load's total length
     * @param steady whether the last two windows were within {@link #STEADY} of each other
     */
    record Outcome(List<Double> rates, Duration took, boolean steady) {

        /** Whether the system was steady, as the report says it. */
        String verdict() {
            if (steady) {
                return "steady";
            }
            return rates.size() < 2
                    ? "a fixed warm-up, not checked for steadiness (a JVM may still be compiling: see --system-warmup-max)"
                    : "NOT STEADY within --system-warmup-max";
        }

        /** The throughputs, as the report prints them: "198 → 387 → 556". */
        String ratesText() {
            var text = new StringBuilder();
            for (var rate : rates) {
                if (!text.isEmpty()) {
                    text.append(" → ");
                }
                text.append(String.format(java.util.Locale.ROOT, "%,.0f", rate));
            }
            return text.toString();
        }
    }

    private WarmUp() {}

    /** Warms up for at least {@code minimum} and at most {@code maximum} (rounded up to whole windows). */
    static Outcome run(Duration minimum, Duration maximum, Window window) throws Exception {
        var rates = new ArrayList<Double>();
        var took = Duration.ZERO;
        if (minimum.isZero()) {
            return new Outcome(rates, took, false);
        }
        rates.add(window.run(minimum, 0));
        took = minimum;
        while (took.compareTo(maximum) < 0) {
            double rate = window.run(WINDOW, rates.size());
            took = took.plus(WINDOW);
            double before = rates.getLast();
            rates.add(rate);
            if (steady(before, rate)) {
                return new Outcome(rates, took, true);
            }
        }
        return new Outcome(rates, took, false);
    }

    static boolean steady(double before, double after) {
        return before > 0 && Math.abs(after - before) <= STEADY * before;
    }
}
