package dev.turnstile.contracts.job;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.time.Instant;
import java.util.Objects;

/**
 * The worker records an artifact of the attempt: a reference to where it is stored, not its content.
 *
 * @param jobId the job
 * @param workerId who asks; must be the worker of the attempt
 * @param fencingToken the token of the attempt the worker was granted
 * @param name what it is, 1–200 printable characters
 * @param uri where it is, 1–2048 characters
 * @param bytes its size
 * @param sha256 its SHA-256, 64 lower-case hexadecimal characters
 * @param contentType its media type, e.g. {@code text/html}
 * @param requestedAt when the gateway received the request
 */
public record AttachJobArtifact(
        @JsonUnwrapped JobCommandHeader header,
        String jobId,
        String workerId,
        long fencingToken,
        String name,
        String uri,
        long bytes,
        String sha256,
        String contentType,
        Instant requestedAt)
        implements WorkerCommand<ArtifactAnswer> {

    public AttachJobArtifact {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(requestedAt, "requestedAt");
        JobRules.require(
                "artifact of job " + jobId + " on queue " + header.queue(),
                JobRules.all(
                        JobRules.checkQueue(header.queue()),
                        JobRules.checkJobId(jobId),
                        JobRules.checkWorkerId(workerId),
                        JobRules.checkRange("fencingToken", fencingToken, 1, Long.MAX_VALUE),
                        JobRules.checkPrintable("name", name, true),
                        JobRules.checkLength("uri", uri, JobRules.URI_MAX_LENGTH, true),
                        JobRules.checkRange("bytes", bytes, 0, Long.MAX_VALUE),
                        JobRules.checkSha256(sha256),
                        JobRules.checkPrintable("contentType", contentType, true)));
    }

    public static AttachJobArtifact of(
            String queue,
            String requestId,
            String jobId,
            String workerId,
            long fencingToken,
            String name,
            String uri,
            long bytes,
            String sha256,
            String contentType,
            Instant requestedAt) {
        return new AttachJobArtifact(
                JobCommandHeader.of(queue, requestId),
                jobId,
                workerId,
                fencingToken,
                name,
                uri,
                bytes,
                sha256,
                contentType,
                requestedAt);
    }

    /** The same request, sent at another time (a client retry). */
    public AttachJobArtifact at(Instant time) {
        return new AttachJobArtifact(
                header, jobId, workerId, fencingToken, name, uri, bytes, sha256, contentType, time);
    }

    @Override
    public Instant timestamp() {
        return requestedAt;
    }

    @Override
    public String fingerprint() {
        return "artifact job=" + jobId + " token=" + fencingToken + " name=" + name + " uri=" + uri + " bytes=" + bytes
                + " sha256=" + sha256 + " contentType=" + contentType + " by " + workerId;
    }

    @Override
    public JobRequestKind kind() {
        return JobRequestKind.ARTIFACT;
    }

    @Override
    public Class<ArtifactAnswer> answerType() {
        return ArtifactAnswer.class;
    }
}
