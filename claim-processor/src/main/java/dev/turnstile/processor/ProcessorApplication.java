package dev.turnstile.processor;

import java.util.HashMap;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The claim processor on its own, against any Kafka cluster ({@code spring.kafka.bootstrap-servers}). Serves its health
 * on {@code server.port}: ready ({@code /actuator/health/readiness}) while its Streams application is RUNNING (its
 * partitions assigned and restored), live while it is running or rebalancing. Give each instance its own
 * {@code turnstile.processor.instance-id} and {@code turnstile.processor.state-dir}.
 */
@SpringBootApplication
public class ProcessorApplication {

    public static void main(String[] args) {
        var application = new SpringApplication(ProcessorApplication.class);
        var defaults = new HashMap<String, Object>();
        defaults.put("spring.application.name", "turnstile-processor");
        defaults.put("management.endpoints.web.exposure.include", "health,info,metrics,prometheus");
        defaults.put("management.endpoint.health.probes.enabled", "true");
        defaults.put("management.endpoint.health.group.readiness.include", "readinessState,claimProcessorReadiness");
        defaults.put("management.endpoint.health.group.liveness.include", "livenessState,claimProcessor");
        // Kafka's clients log every connection and rebalance at INFO: what matters reaches WARN.
        defaults.put("logging.level.org.apache.kafka", "WARN");
        defaults.put("logging.level.kafka", "WARN");
        application.setDefaultProperties(defaults);
        application.run(args);
    }
}
