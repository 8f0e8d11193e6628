package dev.turnstile.contracts.topic;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class ProducerDeadlineTest {

    private static Map<String, Object> base() {
        var config = new HashMap<String, Object>();
        // Nothing listens here: a producer connects only when it first sends.
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9");
        return config;
    }

    /** Kafka checks the timeouts against each other when the producer is made. */
    private static void producerAccepts(Map<String, Object> config) {
        try (var producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            assertThat(producer.metrics()).isNotEmpty();
        }
    }

    @Test
    void by_default_nothing_lingers_and_a_send_ends_within_the_deadline() {
        var config = base();

        ProducerDeadline.apply(config, Duration.ofSeconds(5));

        assertThat(config)
                .containsEntry(ProducerConfig.LINGER_MS_CONFIG, 0)
                .containsEntry(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000L)
                .containsEntry(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000)
                .containsEntry(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 5_000);
        producerAccepts(config);
    }

    @Test
    void a_linger_set_in_the_properties_as_text_is_kept_and_the_timeouts_fit_around_it() {
        var config = base();
        config.put(ProducerConfig.LINGER_MS_CONFIG, "2");

        ProducerDeadline.apply(config, Duration.ofSeconds(5));

        assertThat(config)
                .containsEntry(ProducerConfig.LINGER_MS_CONFIG, "2")
                .containsEntry(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 4_998)
                .containsEntry(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 5_000);
        producerAccepts(config);
    }

    @Test
    void an_explicit_request_timeout_longer_than_the_deadline_stretches_the_delivery_timeout_rather_than_fail() {
        var config = base();
        config.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "30000");

        ProducerDeadline.apply(config, Duration.ofSeconds(5));

        assertThat(config).containsEntry(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_010);
        producerAccepts(config);
    }
}
