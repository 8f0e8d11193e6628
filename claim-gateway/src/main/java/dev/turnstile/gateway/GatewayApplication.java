package dev.turnstile.gateway;

import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The claim gateway on its own, against any Kafka cluster ({@code spring.kafka.bootstrap-servers}). */
@SpringBootApplication
public class GatewayApplication {

    public static void main(String[] args) {
        var application = new SpringApplication(GatewayApplication.class);
        // A claim waits for its decision on the request's thread: virtual threads make that wait cheap.
        application.setDefaultProperties(Map.of("spring.threads.virtual.enabled", "true"));
        application.run(args);
    }
}
