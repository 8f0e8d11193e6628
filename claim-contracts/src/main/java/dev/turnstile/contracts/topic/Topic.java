package dev.turnstile.contracts.topic;

import org.apache.kafka.common.serialization.Serde;

/**
 * A typed handle on a topic: its name and how its keys and values are written.
 *
 * @param name the topic name
 * @param keySerde how keys are written
 * @param valueSerde how values are written
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde) {}
