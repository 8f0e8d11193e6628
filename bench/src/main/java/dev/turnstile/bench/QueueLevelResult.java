package dev.turnstile.bench;

/**
 * What one system did at one level of the queue workload: {@code workers} producers enqueueing for the window, then
 * {@code workers} workers draining the jobs they made (claim-next, then complete, no-op jobs).
 *
 * @param system the system under test
 * @param workers producers in the enqueue phase, workers in the drain phase
 * @param enqueued jobs enqueued in the measured window
 * @param enqueuePerSecond enqueues per second in the window
 * @param enqueueP50Ms median enqueue latency
 * @param enqueueP99Ms 99th percentile enqueue latency
 * @param backlog jobs waiting when the drain started (warm-up's included)
 * @param completed jobs claimed and completed in the drain
 * @param drainSeconds from the drain's start to its last completion
 * @param jobsPerSecond end-to-end jobs per second: jobs taken from waiting to succeeded (claim-next + complete)
 * @param claimP50Ms median claim-next latency (a job waiting)
 * @param claimP95Ms 95th percentile claim-next latency
 * @param claimP99Ms 99th percentile claim-next latency
 * @param completeP50Ms median complete latency
 * @param drained whether the drain emptied the backlog (false: cut at the drain limit)
 * @param errors requests that failed, both phases
 * @param doubleClaims jobs handed to a worker twice in the drain (must be 0: no lease runs out on a no-op job)
 * @param systemCpuCores CPU the system under test used in the drain, in cores, or null when unknown
 * @param systemCpuMicrosPerJob the system's CPU time per job in the drain, or null
 * @param loadGeneratorCpuShare how busy the load generator's CPUs were in the drain (1.0 = all of them)
 * @param firstError the first failed request's message, or null
 * @param cpuByThread the main JVM's CPU in the drain by what its threads do, in cores, largest first (see {@link
 *     ThreadCpu}); empty when the system has no JVM started here
 */
record QueueLevelResult(
        String system,
        int workers,
        long enqueued,
        double enqueuePerSecond,
        double enqueueP50Ms,
        double enqueueP99Ms,
        long backlog,
        long completed,
        double drainSeconds,
        double jobsPerSecond,
        double claimP50Ms,
        double claimP95Ms,
        double claimP99Ms,
        double completeP50Ms,
        boolean drained,
        long errors,
        long doubleClaims,
        Double systemCpuCores,
        Double systemCpuMicrosPerJob,
        double loadGeneratorCpuShare,
        String firstError,
        java.util.Map<String, Double> cpuByThread) {}
