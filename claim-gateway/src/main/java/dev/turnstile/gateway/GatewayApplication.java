package dev.turnstile.gateway;

import java.util.HashMap;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The claim gateway on its own, against any Kafka cluster ({@code spring.kafka.bootstrap-servers}). Ready
 * ({@code /actuator/health/readiness}, {@code /api/health}) when a claim can be decided: see {@link
 * dev.turnstile.gateway.health.CoordinatorHealth}.
 */
@SpringBootApplication
public class GatewayApplication {

    public static void main(String[] args) {
        var application = new SpringApplication(GatewayApplication.class);
        var defaults = new HashMap<String, Object>();
        // A claim waits for its decision on the request's thread: virtual threads make that wait cheap.
        defaults.put("spring.threads.virtual.enabled", "true");
        defaults.put("spring.application.name", "turnstile-gateway");
        defaults.put("turnstile.processor.enabled", "false");
        defaults.put("management.endpoints.web.exposure.include", "health,info,metrics,prometheus");
        defaults.put("management.endpoint.health.probes.enabled", "true");
        defaults.put("management.endpoint.health.group.readiness.include", "readinessState,coordinator");
        defaults.put("management.endpoint.health.group.liveness.include", "livenessState");
        defaults.put("server.shutdown", "graceful");
        // Kafka's clients log every connection and rebalance at INFO: what matters reaches WARN.
        defaults.put("logging.level.org.apache.kafka", "WARN");
        defaults.put("logging.level.kafka", "WARN");
        application.setDefaultProperties(defaults);
        application.run(args);
    }
}
