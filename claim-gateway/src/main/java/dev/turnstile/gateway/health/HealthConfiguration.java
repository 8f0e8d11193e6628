package dev.turnstile.gateway.health;

import dev.turnstile.contracts.topic.ClaimTopics;
import dev.turnstile.gateway.settings.GatewayProperties;
import java.time.Clock;
import org.apache.kafka.clients.admin.Admin;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Health beans. */
@Configuration(proxyBeanMethods = false)
public class HealthConfiguration {

    @Bean
    DiskSpace diskSpace(GatewayProperties settings, Clock clock) {
        return new DiskSpace(settings.dataDir(), settings.minFreeDisk().toBytes(), settings.healthCacheTtl(), clock);
    }

    @Bean
    CoordinatorHealth coordinatorHealth(
            Admin gatewayAdmin,
            DiskSpace diskSpace,
            GatewayProperties settings,
            DecisionListenerStatus listener,
            ClaimTopics topics,
            Clock clock) {
        return new CoordinatorHealth(
                gatewayAdmin,
                diskSpace,
                settings.processorGroupId(),
                topics.requests().name(),
                listener::isListening,
                settings.healthCacheTtl(),
                settings.healthTimeout(),
                clock);
    }

    @Bean
    HealthController healthController(CoordinatorHealth health) {
        return new HealthController(health);
    }

    /**
     * The coordinator's checks as a Spring Boot health indicator ({@code coordinator}): part of {@code /actuator/health}
     * and of its {@code readiness} group, so that probes see what agents see. Liveness leaves it out: a gateway waiting
     * for Kafka or the processor is alive and needs no restart.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    static class CoordinatorHealthIndicator {

        @Bean
        HealthIndicator coordinatorHealthIndicator(CoordinatorHealth health) {
            return () -> {
                var status = health.status();
                var builder = status.healthy() ? Health.up() : Health.down().withDetail("error", status.error());
                return builder.withDetail("checkedAt", status.checkedAt().toString())
                        .build();
            };
        }
    }

    /**
     * Replaces Spring Boot's disk space indicator (which watches the working directory) with one on the data directory
     * and the gateway's threshold, so {@code /actuator/health} and the claim guard agree. Same name, same details.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    static class DataDiskHealth {

        @Bean
        @ConditionalOnProperty(prefix = "turnstile.gateway", name = "data-dir")
        HealthIndicator diskSpaceHealthIndicator(DiskSpace diskSpace) {
            return () -> {
                var status = diskSpace.status();
                var health = status.low() ? Health.down().withDetail("problem", status.problem()) : Health.up();
                health.withDetail("path", String.valueOf(status.directory()))
                        .withDetail("free", status.freeBytes())
                        .withDetail("total", status.totalBytes())
                        .withDetail("threshold", status.thresholdBytes());
                if (status.error() != null) {
                    health.withDetail("error", status.error());
                }
                return health.build();
            };
        }
    }
}
