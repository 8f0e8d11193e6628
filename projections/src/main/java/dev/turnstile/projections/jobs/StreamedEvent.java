package dev.turnstile.projections.jobs;

/**
 * An event kept for live streams that resume (under {@code E:<queue>\0<sequence>}).
 *
 * @param type its type on the wire
 * @param jobId the job it is about; null for a queue event
 * @param json the event as on the topic, without {@code payload} and {@code result}
 */
record StreamedEvent(String type, String jobId, String json) {}
