package dev.turnstile.gateway;

import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The same guarantees on a Kafka broker in a container. Skipped where no Docker-compatible engine runs (set
 * DOCKER_HOST, e.g. to a Podman socket, to run it).
 */
@Testcontainers(disabledWithoutDocker = true)
class ClaimPathOnTestcontainersIT extends ClaimPathContract {

    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.1.0");

    @Override
    String bootstrapServers() {
        return KAFKA.getBootstrapServers();
    }
}
