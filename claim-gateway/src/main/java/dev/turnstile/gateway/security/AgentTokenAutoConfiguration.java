package dev.turnstile.gateway.security;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Optional bearer tokens for agents ({@code turnstile.security.agent-tokens}: SHA-256 digests), checked on the
 * handlers of {@link AgentApi} controllers. Off when none are configured, as in the local default.
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

    /** On every handler, whatever URL led to it: the interceptor itself skips handlers that are not agent APIs. */
    @Bean
    WebMvcConfigurer agentTokenCheck(AgentTokens tokens, ObjectProvider<MeterRegistry> meters) {
        var interceptor = new AgentTokenInterceptor(tokens, meters.getIfAvailable(SimpleMeterRegistry::new));
        return new WebMvcConfigurer() {
            @Override
            public void addInterceptors(InterceptorRegistry registry) {
                registry.addInterceptor(interceptor);
            }
        };
    }
}
