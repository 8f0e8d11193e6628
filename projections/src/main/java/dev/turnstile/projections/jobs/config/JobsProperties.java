package dev.turnstile.projections.jobs.config;

import dev.turnstile.projections.jobs.JobLimits;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the work-queue read model and its API ({@code turnstile.projections.jobs.*}). Kafka connection settings
 * are those of the activity projection ({@code spring.kafka.*}, {@code turnstile.projections.bootstrap-servers} and
 * {@code .consumer.*}); the topics come from {@code turnstile.topics.job-requests} / {@code .job-events}.
 *
 * @param enabled whether this application builds the job read model and serves the job query, operator and live API
 * @param stateDir where the RocksDB read model lives; kept across restarts, rebuilt from offset 0 when deleted. Unset:
 *     beside the activity projection's, {@code <turnstile.projections.state-dir>-jobs}
 * @param rebuildOnStart delete the read model at start-up and rebuild it from offset 0 of {@code job-events}
 * @param pollTimeout how long one poll for job events waits; bounds how quickly the reader notices shutdown
 * @param timelineEntries newest timeline entries kept per job
 * @param logLines newest log lines kept per job
 * @param artifacts newest artifacts kept per job
 * @param replayEvents newest events kept per queue for live streams resuming with {@code Last-Event-ID}
 * @param operationTimeout how long an operator request waits for its answer (as the read model stores it)
 * @param maxPendingOperations most operator requests waiting at once; beyond, 503 at once
 * @param maxStreams most live streams (Server-Sent Events) open at once; beyond, 503 at once
 * @param streamBuffer events buffered per live stream; a client that falls further behind is disconnected and
 *     resumes with {@code Last-Event-ID}
 * @param streamHeartbeat how often an idle live stream sends a comment, so proxies keep it open
 * @param streamMaxDuration how long one live stream lasts before the server ends it (the client reconnects)
 */
@ConfigurationProperties("turnstile.projections.jobs")
public record JobsProperties(
        @DefaultValue("true") boolean enabled,
        String stateDir,
        @DefaultValue("false") boolean rebuildOnStart,
        @DefaultValue("500ms") Duration pollTimeout,
        @DefaultValue("200") int timelineEntries,
        @DefaultValue("1000") int logLines,
        @DefaultValue("100") int artifacts,
        @DefaultValue("1000") int replayEvents,
        @DefaultValue("10s") Duration operationTimeout,
        @DefaultValue("1000") int maxPendingOperations,
        @DefaultValue("256") int maxStreams,
        @DefaultValue("256") int streamBuffer,
        @DefaultValue("15s") Duration streamHeartbeat,
        @DefaultValue("30m") Duration streamMaxDuration) {

    /** {@link #stateDir()}, or the directory beside the activity projection's when it is not set. */
    public String stateDirBeside(String activityStateDir) {
        return stateDir != null && !stateDir.isBlank() ? stateDir : activityStateDir + "-jobs";
    }

    public JobLimits limits() {
        return new JobLimits(timelineEntries, logLines, artifacts, replayEvents);
    }
}
