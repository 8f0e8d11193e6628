package dev.turnstile.client.jobs;

import java.util.Optional;

/**
 * What a {@link JobHandler} may do besides its work: report progress (sent with the next heartbeat), write to the
 * job's log (batched and sent in the background), attach artifacts, and learn that it should stop.
 */
public interface JobContext {

    /** The job, as claimed. */
    Job job();

    /** The job's progress, 0 to 100, sent with the next heartbeat. */
    void progress(int percent);

    /** The job's progress and a sentence about it (at most 1,000 characters), sent with the next heartbeat. */
    void progress(int percent, String message);

    /**
     * Adds a line to the job's log. Lines are sent in batches about every second; at most {@code logBufferLines} wait
     * at once (the oldest are dropped beyond, with a marker saying how many); each is cut to 8,192 characters.
     */
    void log(String line);

    /**
     * Records a reference to something the job produced, at once.
     *
     * @return the coordinator's answer; a refusal also stops the job
     */
    WorkerAnswer attach(Artifact artifact);

    /** Whether the worker asked the job to stop (cancelled, lease lost, shutdown); the thread is interrupted too. */
    boolean stopRequested();

    /** Why the worker asked the job to stop, if it did. */
    Optional<StopReason> stopReason();
}
