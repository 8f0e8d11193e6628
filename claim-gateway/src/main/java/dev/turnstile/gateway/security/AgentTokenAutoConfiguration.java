package dev.turnstile.gateway.security;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;

/**
 * Optional bearer tokens for agents ({@code turnstile.security.agent-tokens}: SHA-256 digests). Off when none are
 * configured, as in the local default.
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableConfigurationProperties(AgentTokenAutoConfiguration.AgentTokenProperties.class)
public class AgentTokenAutoConfiguration {

    /** @param agentTokens digests ({@code sha256:<hex>}) of the tokens agents may present */
    @ConfigurationProperties("turnstile.security")
    public record AgentTokenProperties(List<String> agentTokens) {
        public AgentTokenProperties {
            agentTokens = agentTokens == null ? List.of() : List.copyOf(agentTokens);
        }
    }

    @Bean
    AgentTokens agentTokens(AgentTokenProperties properties) {
        return AgentTokens.of(properties.agentTokens());
    }

    /** Before any security filter chain, so a refused agent never reaches the claim path. */
    @Bean
    FilterRegistrationBean<AgentTokenFilter> agentTokenFilter(AgentTokens tokens, ObjectProvider<MeterRegistry> meters) {
        var registration = new FilterRegistrationBean<>(
                new AgentTokenFilter(tokens, meters.getIfAvailable(SimpleMeterRegistry::new)));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        registration.addUrlPatterns("/api/*");
        return registration;
    }
}
