package dev.turnstile.projections.jobs;

import java.time.Instant;

/**
 * A reference a worker recorded to something its attempt produced (not the content).
 *
 * @param name what it is
 * @param uri where it is
 * @param bytes its size
 * @param sha256 its SHA-256
 * @param contentType its media type
 * @param attempt the attempt that produced it
 * @param workerId the worker of that attempt
 * @param attachedAt when it was recorded
 */
public record Artifact(
        String name,
        String uri,
        long bytes,
        String sha256,
        String contentType,
        int attempt,
        String workerId,
        Instant attachedAt) {}
