package dev.turnstile.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The subject (Turnstile, the first peer) against another peer at one level, from the same run: throughput ratio
 * above 1 and latency ratios below 1 favour the subject.
 *
 * @param subject the system compared
 * @param peer the system it is compared with
 * @param agents the level
 * @param throughput subject's claims/s over the peer's
 * @param p50 subject's median latency over the peer's
 * @param p99 subject's 99th percentile over the peer's
 */
record Ratio(String subject, String peer, int agents, double throughput, double p50, double p99) {

    /** Every ratio of {@code subject} against each other system, peer by peer in the order measured, then by level. */
    static List<Ratio> of(List<LevelResult> results, String subject) {
        var ratios = new ArrayList<Ratio>();
        var peers = results.stream()
                .map(LevelResult::system)
                .filter(system -> !system.equals(subject))
                .distinct()
                .toList();
        for (var peer : peers) {
            for (var mine :
                    results.stream().filter(r -> r.system().equals(subject)).toList()) {
                results.stream()
                        .filter(theirs -> theirs.system().equals(peer) && theirs.agents() == mine.agents())
                        .findFirst()
                        .ifPresent(theirs -> ratios.add(new Ratio(
                                subject,
                                peer,
                                mine.agents(),
                                mine.claimsPerSecond() / theirs.claimsPerSecond(),
                                mine.p50Ms() / theirs.p50Ms(),
                                mine.p99Ms() / theirs.p99Ms())));
            }
        }
        return ratios;
    }
}
