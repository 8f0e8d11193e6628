package dev.turnstile.projections.jobs;

/**
 * One record of {@code job-events} as read, before decoding.
 *
 * @param partition its partition
 * @param offset its offset
 * @param value its value
 * @param answers the {@code turnstile-answers} header (the fingerprint of the request it answers), or null
 */
public record JobEventRecord(int partition, long offset, byte[] value, String answers) {}
