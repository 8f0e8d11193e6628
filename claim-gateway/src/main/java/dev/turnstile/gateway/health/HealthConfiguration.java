package dev.turnstile.gateway.health;

import dev.turnstile.gateway.claim.ClaimGatewayConfiguration.DecisionListenerStatus;
import dev.turnstile.gateway.config.GatewayProperties;
import java.time.Clock;
import org.apache.kafka.clients.admin.Admin;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Health beans. */
@Configuration(proxyBeanMethods = false)
public class HealthConfiguration {

    @Bean
    CoordinatorHealth coordinatorHealth(
            Admin gatewayAdmin, GatewayProperties settings, DecisionListenerStatus listener, Clock clock) {
        return new CoordinatorHealth(
                gatewayAdmin,
                settings.processorGroupId(),
                listener::isListening,
                settings.healthCacheTtl(),
                settings.healthTimeout(),
                clock);
    }

    @Bean
    HealthController healthController(CoordinatorHealth health) {
        return new HealthController(health);
    }
}
