package dev.turnstile.projections.activity;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One record of the decisions topic, undecoded, as the projection consumes it.
 *
 * @param partition the partition it was read from
 * @param offset its offset there
 * @param value its value bytes (may be null or not a decision at all)
 */
public record DecisionRecord(int partition, long offset, byte[] value) {

    /** The record as read from the topic. */
    public static DecisionRecord of(ConsumerRecord<byte[], byte[]> record) {
        return new DecisionRecord(record.partition(), record.offset(), record.value());
    }
}
