package dev.turnstile.gateway.config;

import dev.turnstile.contracts.topic.ClaimTopics;
import dev.turnstile.gateway.api.ApiDocsConfiguration;
import dev.turnstile.gateway.claim.ClaimGatewayConfiguration;
import dev.turnstile.gateway.health.HealthConfiguration;
import dev.turnstile.gateway.jobs.JobGatewayConfiguration;
import dev.turnstile.gateway.settings.GatewayProperties;
import dev.turnstile.gateway.web.WebConfiguration;
import jakarta.servlet.DispatcherType;
import java.time.Clock;
import org.apache.kafka.clients.admin.Admin;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

/**
 * The claim gateway inside any Spring Boot web application that has this module on its classpath. Before Spring Boot's
 * disk space health, which it replaces when {@code turnstile.gateway.data-dir} is set.
 */
@AutoConfiguration(
        after = KafkaAutoConfiguration.class,
        beforeName =
                "org.springframework.boot.health.autoconfigure.application.DiskSpaceHealthContributorAutoConfiguration")
@ConditionalOnWebApplication
@EnableConfigurationProperties(GatewayProperties.class)
@Import({
    ApiDocsConfiguration.class,
    ClaimGatewayConfiguration.class,
    JobGatewayConfiguration.class,
    HealthConfiguration.class,
    WebConfiguration.class
})
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

    /** Before any security filter, so that a direct request for the error page is 404 for everyone. */
    @Bean
    FilterRegistrationBean<ErrorPageGuard> errorPageGuard(Environment environment) {
        var registration = new FilterRegistrationBean<>(new ErrorPageGuard());
        registration.addUrlPatterns(environment.getProperty("server.error.path", "/error"));
        registration.setDispatcherTypes(DispatcherType.REQUEST);
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }

    @Bean(destroyMethod = "close")
    Admin gatewayAdmin(KafkaProperties kafka) {
        return Admin.create(kafka.buildAdminProperties());
    }
}
