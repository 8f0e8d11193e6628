package dev.turnstile.contracts.job;

/**
 * A request only the worker running the job's current attempt may make, proving it with the attempt's fencing
 * token: heartbeat, complete, fail, logs, artifacts. A stale or foreign token is refused with a reason.
 *
 * @param <A> the answers this request can get
 */
public sealed interface WorkerCommand<A extends JobAnswer> extends JobRequest<A>
        permits HeartbeatJob, CompleteJob, FailJob, AppendJobLogs, AttachJobArtifact {

    String jobId();

    String workerId();

    /** The token of the attempt the worker was granted. */
    long fencingToken();
}
