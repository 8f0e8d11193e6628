package dev.turnstile.contracts.job;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * The worker of the job's current attempt recorded an artifact (a reference, not its content).
 *
 * @param jobId the job
 * @param workerId the worker
 * @param attempt the attempt
 * @param fencingToken the attempt's token
 * @param name what it is
 * @param uri where it is
 * @param bytes its size
 * @param sha256 its SHA-256
 * @param contentType its media type
 */
public record JobArtifactAttached(
        @JsonUnwrapped JobEventHeader header,
        String jobId,
        String workerId,
        int attempt,
        long fencingToken,
        String name,
        String uri,
        long bytes,
        String sha256,
        String contentType)
        implements ArtifactAnswer {

    @Override
    public JobArtifactAttached withHeader(JobEventHeader newHeader) {
        return new JobArtifactAttached(
                newHeader, jobId, workerId, attempt, fencingToken, name, uri, bytes, sha256, contentType);
    }
}
