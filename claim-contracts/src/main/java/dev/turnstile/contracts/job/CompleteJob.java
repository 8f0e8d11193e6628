package dev.turnstile.contracts.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.time.Instant;
import java.util.Objects;
import tools.jackson.databind.JsonNode;

/**
 * The worker reports that the attempt succeeded: the job is succeeded.
 *
 * @param jobId the job
 * @param workerId who asks; must be the worker of the attempt
 * @param fencingToken the token of the attempt the worker was granted
 * @param result what the job produced, any JSON value of at most 64 KiB; null for nothing
 * @param requestedAt when the gateway received the request
 */
public record CompleteJob(
        @JsonUnwrapped JobCommandHeader header,
        String jobId,
        String workerId,
        long fencingToken,
        @JsonInclude(JsonInclude.Include.NON_NULL) JsonNode result,
        Instant requestedAt)
        implements WorkerCommand<CompleteAnswer> {

    public CompleteJob {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(requestedAt, "requestedAt");
        result = result == null || result.isNull() ? null : result;
        JobRules.require(
                "complete of job " + jobId + " on queue " + header.queue(),
                JobRules.all(
                        JobRules.checkQueue(header.queue()),
                        JobRules.checkJobId(jobId),
                        JobRules.checkWorkerId(workerId),
                        JobRules.checkRange("fencingToken", fencingToken, 1, Long.MAX_VALUE),
                        JobRules.checkJsonSize("result", result)));
    }

    public static CompleteJob of(
            String queue,
            String requestId,
            String jobId,
            String workerId,
            long fencingToken,
            JsonNode result,
            Instant requestedAt) {
        return new CompleteJob(
                JobCommandHeader.of(queue, requestId), jobId, workerId, fencingToken, result, requestedAt);
    }

    /** The same request, sent at another time (a client retry). */
    public CompleteJob at(Instant time) {
        return new CompleteJob(header, jobId, workerId, fencingToken, result, time);
    }

    @Override
    public Instant timestamp() {
        return requestedAt;
    }

    @Override
    public String fingerprint() {
        return "complete job=" + jobId + " token=" + fencingToken + " result=" + Fingerprints.digest(result) + " by "
                + workerId;
    }

    @Override
    public JobRequestKind kind() {
        return JobRequestKind.COMPLETE;
    }

    @Override
    public Class<CompleteAnswer> answerType() {
        return CompleteAnswer.class;
    }
}
