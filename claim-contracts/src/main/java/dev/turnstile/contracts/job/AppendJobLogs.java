package dev.turnstile.contracts.job;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The worker adds log lines to the job's attempt. The read model keeps a bounded number per job, dropping the oldest
 * with a marker; the events carry every line.
 *
 * @param jobId the job
 * @param workerId who asks; must be the worker of the attempt
 * @param fencingToken the token of the attempt the worker was granted
 * @param lines 1–1000 lines, each at most 8192 characters, at most 64 Ki characters in all
 * @param requestedAt when the gateway received the request
 */
public record AppendJobLogs(
        @JsonUnwrapped JobCommandHeader header,
        String jobId,
        String workerId,
        long fencingToken,
        List<String> lines,
        Instant requestedAt)
        implements WorkerCommand<LogsAnswer> {

    public AppendJobLogs {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(requestedAt, "requestedAt");
        lines = lines == null ? null : List.copyOf(lines);
        JobRules.require(
                "logs of job " + jobId + " on queue " + header.queue(),
                JobRules.all(
                        JobRules.checkQueue(header.queue()),
                        JobRules.checkJobId(jobId),
                        JobRules.checkWorkerId(workerId),
                        JobRules.checkRange("fencingToken", fencingToken, 1, Long.MAX_VALUE),
                        JobRules.checkLogLines(lines)));
    }

    public static AppendJobLogs of(
            String queue,
            String requestId,
            String jobId,
            String workerId,
            long fencingToken,
            List<String> lines,
            Instant requestedAt) {
        return new AppendJobLogs(
                JobCommandHeader.of(queue, requestId), jobId, workerId, fencingToken, lines, requestedAt);
    }

    /** The same request, sent at another time (a client retry). */
    public AppendJobLogs at(Instant time) {
        return new AppendJobLogs(header, jobId, workerId, fencingToken, lines, time);
    }

    @Override
    public Instant timestamp() {
        return requestedAt;
    }

    @Override
    public String fingerprint() {
        return "logs job=" + jobId + " token=" + fencingToken + " lines="
                + Fingerprints.digest(String.join("\n", lines)) + " by " + workerId;
    }

    @Override
    public JobRequestKind kind() {
        return JobRequestKind.LOGS;
    }

    @Override
    public Class<LogsAnswer> answerType() {
        return LogsAnswer.class;
    }
}
