package dev.turnstile.contracts.topic;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Producer settings for a writer that answers someone waiting (an agent, an operator): no lingering unless configured,
 * and a send that gives up within the caller's deadline, so that a Kafka outage is answered (503) rather than hung.
 * Settings given explicitly (e.g. {@code spring.kafka.producer.properties.linger.ms}) are kept; the timeouts are fitted
 * around them, since Kafka refuses a producer whose {@code delivery.timeout.ms} is below {@code linger.ms +
 * request.timeout.ms}.
 */
public final class ProducerDeadline {

    private ProducerDeadline() {}

    /** Adds to {@code config} the linger and timeouts for sends that end within {@code deadline}. */
    public static void apply(Map<String, Object> config, Duration deadline) {
        int limit = Math.toIntExact(Math.max(1, deadline.toMillis()));
        // Kafka 4 lingers 5 ms by default; whoever waits for this record is waiting for this one record.
        config.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 0);
        long linger = millis(config.get(ProducerConfig.LINGER_MS_CONFIG));
        config.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, (long) limit);
        config.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(1, limit - linger));
        long request = millis(config.get(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG));
        config.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(limit, linger + request));
    }

    private static long millis(Object value) {
        return value instanceof Number number
                ? number.longValue()
                : Long.parseLong(String.valueOf(value).strip());
    }
}
