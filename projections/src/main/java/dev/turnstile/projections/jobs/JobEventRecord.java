package dev.turnstile.projections.jobs;

import dev.turnstile.contracts.topic.JobTopics;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One record of {@code job-events} as read, before decoding.
 *
 * @param partition its partition
 * @param offset its offset
 * @param value its value
 * @param answers the {@code turnstile-answers} header (the fingerprint of the request it answers), or null
 */
public record JobEventRecord(int partition, long offset, byte[] value, String answers) {

    /** The record as read from the topic, with its {@code turnstile-answers} header. */
    public static JobEventRecord of(ConsumerRecord<byte[], byte[]> record) {
        var answers = record.headers().lastHeader(JobTopics.ANSWERED_REQUEST_HEADER);
        return new JobEventRecord(
                record.partition(),
                record.offset(),
                record.value(),
                answers == null ? null : new String(answers.value(), StandardCharsets.UTF_8));
    }
}
