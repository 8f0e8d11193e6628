package dev.turnstile.contracts.job;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.util.List;

/**
 * The worker of the job's current attempt added log lines.
 *
 * @param jobId the job
 * @param workerId the worker
 * @param attempt the attempt
 * @param fencingToken the attempt's token
 * @param lines the lines, in order
 */
public record JobLogsAppended(
        @JsonUnwrapped JobEventHeader header,
        String jobId,
        String workerId,
        int attempt,
        long fencingToken,
        List<String> lines)
        implements LogsAnswer {

    @Override
    public JobLogsAppended withHeader(JobEventHeader newHeader) {
        return new JobLogsAppended(newHeader, jobId, workerId, attempt, fencingToken, lines);
    }
}
