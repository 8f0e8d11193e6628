package dev.turnstile.contracts.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * The body of a worker's report on the job it runs; every report names the worker and the attempt's fencing token,
 * and each endpoint accepts its own fields only (others are refused, 400).
 *
 * @param progress heartbeat: 0 to 100
 * @param message heartbeat: what the job is doing
 * @param result complete: any JSON, at most 64 KiB
 * @param error fail: why
 * @param retryable fail: false to give up at once
 * @param lines logs: lines to add to the job's log
 * @param name artifacts: the artifact's name (also {@code uri}, {@code bytes}, {@code sha256}, {@code contentType})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WorkerReportBody(
        String workerId,
        long fencingToken,
        String requestId,
        Integer progress,
        String message,
        JsonNode result,
        String error,
        Boolean retryable,
        List<String> lines,
        String name,
        String uri,
        Long bytes,
        String sha256,
        String contentType) {}
