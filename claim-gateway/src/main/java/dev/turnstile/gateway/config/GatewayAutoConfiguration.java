package dev.turnstile.gateway.config;

import dev.turnstile.contracts.topic.ClaimTopics;
import dev.turnstile.gateway.claim.ClaimGatewayConfiguration;
import dev.turnstile.gateway.health.HealthConfiguration;
import dev.turnstile.gateway.web.WebConfiguration;
import java.time.Clock;
import org.apache.kafka.clients.admin.Admin;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

/**
 * The claim gateway inside any Spring Boot web application that has this module on its classpath. Before Spring Boot's
 * disk space health, which it replaces when {@code turnstile.gateway.data-dir} is set.
 */
@AutoConfiguration(
        after = KafkaAutoConfiguration.class,
        beforeName = "org.springframework.boot.health.autoconfigure.application.DiskSpaceHealthContributorAutoConfiguration")
@ConditionalOnWebApplication
@EnableConfigurationProperties(GatewayProperties.class)
@Import({ClaimGatewayConfiguration.class, HealthConfiguration.class, WebConfiguration.class})
public class GatewayAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    ClaimTopics claimTopics(Environment environment) {
        return ClaimTopics.fromProperties(environment::getProperty);
    }

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean(destroyMethod = "close")
    Admin gatewayAdmin(KafkaProperties kafka) {
        return Admin.create(kafka.buildAdminProperties());
    }
}
