package dev.turnstile.client.jobs;

/**
 * A reference to something a job produced (the coordinator records the reference, not the content).
 *
 * @param name what it is, 1–200 printable ASCII characters
 * @param uri where it is, at most 2048 characters (e.g. {@code s3://bucket/report.html})
 * @param bytes its size
 * @param sha256 its SHA-256, 64 lower-case hexadecimal characters
 * @param contentType its media type, e.g. {@code text/html}
 */
public record Artifact(String name, String uri, long bytes, String sha256, String contentType) {}
