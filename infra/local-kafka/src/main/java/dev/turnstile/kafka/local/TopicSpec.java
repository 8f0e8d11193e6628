package dev.turnstile.kafka.local;

import java.util.HashMap;
import java.util.Map;

/**
 * A topic as Turnstile needs it: name, partition count, replication factor and topic configs.
 *
 * @param name the topic name
 * @param partitions how many partitions; an existing topic must have exactly this many
 * @param replicationFactor copies of each partition; 1 on a single local broker
 * @param configs topic configs (e.g. {@code retention.ms}); an existing topic must have these values
 */
public record TopicSpec(String name, int partitions, short replicationFactor, Map<String, String> configs) {

    public TopicSpec {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("A topic needs a name");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("Topic " + name + " needs at least 1 partition, was " + partitions);
        }
        if (replicationFactor < 1) {
            throw new IllegalArgumentException(
                    "Topic " + name + " needs a replication factor of at least 1, was " + replicationFactor);
        }
        configs = Map.copyOf(configs);
    }

    /** A topic with replication factor 1 and the broker's default configs. */
    public static TopicSpec of(String name, int partitions) {
        return new TopicSpec(name, partitions, (short) 1, Map.of());
    }

    /** This topic with another replication factor. */
    public TopicSpec withReplicationFactor(int replicationFactor) {
        if (replicationFactor > Short.MAX_VALUE) {
            throw new IllegalArgumentException("Replication factor " + replicationFactor + " is too large");
        }
        return new TopicSpec(name, partitions, (short) replicationFactor, configs);
    }

    /** This topic with one more topic config (replacing an earlier value for the same key). */
    public TopicSpec withConfig(String key, String value) {
        Map<String, String> more = new HashMap<>(configs);
        more.put(key, value);
        return new TopicSpec(name, partitions, replicationFactor, more);
    }
}
