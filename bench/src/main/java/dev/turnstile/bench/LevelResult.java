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
 * @param doubleGrants keys granted to more than one agent (must be 0)
 * @param systemCpuCores CPU the system under test used, in cores (1.0 = one CPU busy), or null when unknown
 * @param systemCpuMicrosPerClaim the system's CPU time per claim, or null when unknown
 * @param loadGeneratorCpuShare how busy the load generator's CPUs were (1.0 = all of them), so that a saturated load
 *     generator shows
 * @param firstError what the first failed claim of the window said, or null when none failed
 * @param cpuByThread the main JVM's CPU in the window by what its threads do, in cores, largest first (see {@link
 *     ThreadCpu}); empty when the system has no JVM started here
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
        long doubleGrants,
        Double systemCpuCores,
        Double systemCpuMicrosPerClaim,
        double loadGeneratorCpuShare,
        String firstError,
        java.util.Map<String, Double> cpuByThread) {}
