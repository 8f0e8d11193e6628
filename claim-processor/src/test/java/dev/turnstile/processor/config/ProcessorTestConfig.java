package dev.turnstile.processor.config;

import dev.turnstile.contracts.topic.ClaimTopics;
import java.util.List;
import java.util.Properties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;

/** The processor's production Streams configuration, as the Spring wiring builds it, for TopologyTestDriver. */
public final class ProcessorTestConfig {

    private ProcessorTestConfig() {}

    public static Properties productionStreamsConfig() {
        var kafka = new KafkaProperties();
        kafka.setBootstrapServers(List.of("unused:9092"));
        var stateDir = System.getProperty("java.io.tmpdir") + "/turnstile-topology-test-"
                + ProcessHandle.current().pid();
        return ProcessorAutoConfiguration.streamsConfig(
                kafka, ProcessorProperties.defaults("claim-topology-test", stateDir), ClaimTopics.DEFAULT);
    }
}
