package dev.turnstile.projections.jobs;

/**
 * How much the read model keeps per job and per queue; older entries are dropped and counted.
 *
 * @param timelineEntries newest timeline entries kept per job
 * @param logLines newest log lines kept per job
 * @param artifacts newest artifacts kept per job
 * @param replayEvents newest events kept per queue for live streams that resume ({@code Last-Event-ID})
 */
public record JobLimits(int timelineEntries, int logLines, int artifacts, int replayEvents) {

    public static final JobLimits DEFAULT = new JobLimits(200, 1000, 100, 1000);

    public JobLimits {
        if (timelineEntries < 1 || logLines < 1 || artifacts < 1 || replayEvents < 1) {
            throw new IllegalArgumentException("Every job read-model limit must be at least 1; got " + timelineEntries
                    + " timeline entries, " + logLines + " log lines, " + artifacts + " artifacts, " + replayEvents
                    + " replay events");
        }
    }
}
