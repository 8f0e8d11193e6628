package dev.turnstile.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One of issue 13's targets for Turnstile and where this run puts it.
 *
 * @param rule the target, in words
 * @param measured the figure, or why there is none
 * @param status met, not met, or not measured in this run
 */
record Target(String rule, String measured, Status status) {

    enum Status {
        MET("met"),
        NOT_MET("NOT met"),
        NOT_MEASURED("not measured");

        private final String words;

        Status(String words) {
            this.words = words;
        }

        @Override
        public String toString() {
            return words;
        }
    }

    /** The run's memory check applies to a Turnstile level at 64 agents of at least this long (warm-up included). */
    static final Duration LONG_RUN = Duration.ofMinutes(10);

    static final long ONE_GIB = 1L << 30;

    /**
     * Issue 13's targets from this run's results.
     *
     * @param turnstileMemory Turnstile's memory over the run, or null when it was not sampled
     * @param longestAt64 the longest Turnstile level at 64 agents (warm-up and window), zero when none
     */
    static List<Target> of(List<LevelResult> results, SystemMemory turnstileMemory, Duration longestAt64) {
        var targets = new ArrayList<Target>();
        var one = find(results, "turnstile", 1);
        var eight = find(results, "turnstile", 8);
        var sixtyFour = find(results, "turnstile", 64);
        var service = find(results, "postgres-service", 64);
        if (sixtyFour.isPresent() && service.isPresent()) {
            double ratio = sixtyFour.get().claimsPerSecond() / service.get().claimsPerSecond();
            targets.add(check(
                    "64 agents: claims/s >= 1.0x the PostgreSQL service's",
                    format(
                            "x%.2f (%,.0f vs %,.0f claims/s)",
                            ratio,
                            sixtyFour.get().claimsPerSecond(),
                            service.get().claimsPerSecond()),
                    ratio >= 1.0));
        } else {
            targets.add(notMeasured(
                    "64 agents: claims/s >= 1.0x the PostgreSQL service's",
                    "needs turnstile and postgres-service at 64 agents"));
        }
        sixtyFour.ifPresentOrElse(
                r -> targets.add(check("64 agents: p99 <= 50 ms", format("%.2f ms", r.p99Ms()), r.p99Ms() <= 50)),
                () -> targets.add(notMeasured("64 agents: p99 <= 50 ms", "needs turnstile at 64 agents")));
        one.ifPresentOrElse(
                r -> {
                    targets.add(check("1 agent: p50 <= 3 ms", format("%.2f ms", r.p50Ms()), r.p50Ms() <= 3));
                    targets.add(check("1 agent: p99 <= 10 ms", format("%.2f ms", r.p99Ms()), r.p99Ms() <= 10));
                },
                () -> {
                    targets.add(notMeasured("1 agent: p50 <= 3 ms", "needs turnstile at 1 agent"));
                    targets.add(notMeasured("1 agent: p99 <= 10 ms", "needs turnstile at 1 agent"));
                });
        if (one.isPresent() && eight.isPresent()) {
            double ratio = eight.get().p50Ms() / one.get().p50Ms();
            targets.add(check(
                    "8 agents: p50 <= 2x the 1-agent p50",
                    format(
                            "x%.2f (%.2f vs %.2f ms)",
                            ratio, eight.get().p50Ms(), one.get().p50Ms()),
                    ratio <= 2));
        } else {
            targets.add(notMeasured("8 agents: p50 <= 2x the 1-agent p50", "needs turnstile at 1 and 8 agents"));
        }
        var rule = "all-in-one RSS <= 1 GiB after 10 minutes at 64 agents";
        var rss = turnstileMemory == null ? java.util.OptionalLong.empty() : turnstileMemory.endRss();
        if (rss.isEmpty()) {
            targets.add(notMeasured(rule, "Turnstile's memory was not sampled (started elsewhere, or not measured)"));
        } else if (longestAt64.compareTo(LONG_RUN) < 0) {
            targets.add(notMeasured(
                    rule,
                    format(
                            "%,d MiB at the end of this shorter run; measure with bin/bench" + " --long-run",
                            rss.getAsLong() >> 20)));
        } else {
            targets.add(check(
                    rule,
                    format(
                            "%,d MiB at the end (peak %,d MiB)",
                            rss.getAsLong() >> 20, turnstileMemory.peakRss().orElse(0) >> 20),
                    rss.getAsLong() <= ONE_GIB));
        }
        return targets;
    }

    private static Optional<LevelResult> find(List<LevelResult> results, String system, int agents) {
        return results.stream()
                .filter(r -> r.system().equals(system) && r.agents() == agents)
                .findFirst();
    }

    private static Target check(String rule, String measured, boolean met) {
        return new Target(rule, measured, met ? Status.MET : Status.NOT_MET);
    }

    private static Target notMeasured(String rule, String why) {
        return new Target(rule, why, Status.NOT_MEASURED);
    }

    private static String format(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
