package dev.turnstile.bench;

/**
 * What one system did at one concurrency level, over the measured window (warm-up excluded).
 *
 * @param system the system under test
 * @param agents concurrent agents
 * @param claims claims answered in the window
 * @param errors claims that failed in the window
 * @param seconds length of the window
 * @param claimsPerSecond throughput
 * @param p50Ms median latency
 * @param p95Ms 95th percentile latency
 * @param p99Ms 99th percentile latency
 * @param maxMs slowest claim
 * @param keys distinct task keys claimed in the level
 * @param doubleGrants keys that more than one agent was told to run (must be 0)
 */
record LevelResult(
        String system,
        int agents,
        long claims,
        long errors,
        double seconds,
        double claimsPerSecond,
        double p50Ms,
        double p95Ms,
        double p99Ms,
        double maxMs,
        long keys,
        long doubleGrants) {}
