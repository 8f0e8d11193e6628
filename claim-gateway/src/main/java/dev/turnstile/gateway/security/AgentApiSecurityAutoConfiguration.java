package dev.turnstile.gateway.security;

import java.util.Arrays;
import java.util.stream.Stream;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * The gateway's URLs in an application that has Spring Security (as the all-in-one has, for its dashboard): claims,
 * leases and health are for CI agents and probes, never a sign-in. Agent tokens are checked on the handlers
 * ({@link AgentTokenInterceptor}), so this chain only keeps other chains' rules off these paths, with as few filters
 * as it can: it is the hot path.
 *
 * <p>After Spring Boot's default security, so that an application without other chains keeps Boot's defaults for
 * every other URL.
 */
@AutoConfiguration(
        afterName = {
            "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration"
        })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(SecurityFilterChain.class)
@ConditionalOnBean(HttpSecurity.class)
public class AgentApiSecurityAutoConfiguration {

    /**
     * The gateway's URL space, matched on the decoded, normalised path: its endpoints exactly, so that another path
     * under {@code /api/claim/} (one that no handler answers) falls to the application's other rules.
     */
    public static final String[] AGENT_PATHS = {
        "/api/claim",
        "/api/claim/complete",
        "/api/claim/outcome",
        "/api/lease/renew",
        "/api/lease/release",
        "/api/health"
    };

    /** The API's OpenAPI document and its rendered page: open to all, as the API's shape is no secret. */
    public static final String[] API_DOC_PATHS = {
        "/v3/api-docs", "/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**"
    };

    /** First of the application's chains: most requests are claims, and they match here at once. */
    public static final int ORDER = 10;

    /**
     * The work-queue endpoints workers and enqueuers call, exactly (method and path): the reads, live streams and
     * operator requests under the same paths belong to the read model's module and its rules.
     */
    public static RequestMatcher[] jobAgentRequests() {
        return new RequestMatcher[] {
            PathPatternRequestMatcher.pathPattern(HttpMethod.POST, "/api/queues/*/jobs"),
            PathPatternRequestMatcher.pathPattern(HttpMethod.POST, "/api/queues/*/claim-next"),
            PathPatternRequestMatcher.pathPattern(HttpMethod.POST, "/api/jobs/*/heartbeat"),
            PathPatternRequestMatcher.pathPattern(HttpMethod.POST, "/api/jobs/*/complete"),
            PathPatternRequestMatcher.pathPattern(HttpMethod.POST, "/api/jobs/*/fail"),
            PathPatternRequestMatcher.pathPattern(HttpMethod.POST, "/api/jobs/*/logs"),
            PathPatternRequestMatcher.pathPattern(HttpMethod.POST, "/api/jobs/*/artifacts")
        };
    }

    @Bean
    @Order(ORDER)
    SecurityFilterChain turnstileAgentApiSecurity(HttpSecurity http) throws Exception {
        return http.securityMatcher(Stream.concat(Arrays.stream(AGENT_PATHS), Arrays.stream(API_DOC_PATHS))
                        .toArray(String[]::new))
                .authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
                // Agents send JSON with a bearer token, never a session cookie: no CSRF, session or sign-in here.
                .csrf(AbstractHttpConfigurer::disable)
                .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(AbstractHttpConfigurer::disable)
                .anonymous(AbstractHttpConfigurer::disable)
                .servletApi(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .build();
    }

    /** The work-queue agent endpoints, as the claim endpoints: open to agents, tokens checked on the handlers. */
    @Bean
    @Order(ORDER + 1)
    SecurityFilterChain turnstileJobAgentApiSecurity(HttpSecurity http) throws Exception {
        return http.securityMatcher(new OrRequestMatcher(jobAgentRequests()))
                .authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
                .csrf(AbstractHttpConfigurer::disable)
                .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(AbstractHttpConfigurer::disable)
                .anonymous(AbstractHttpConfigurer::disable)
                .servletApi(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .build();
    }

    /**
     * No Micrometer observation per security filter: with ~15 filters a request, it cost a quarter of the request
     * threads' CPU in the benchmark (bench/README.md). Requests are still timed ({@code http.server.requests}).
     */
    @Bean
    @ConditionalOnMissingBean
    SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }
}
