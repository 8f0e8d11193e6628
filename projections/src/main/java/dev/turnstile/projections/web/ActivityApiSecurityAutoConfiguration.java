package dev.turnstile.projections.web;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The query API's URLs in an application that has Spring Security: a user of the application's user store (the
 * dashboard's, in the all-in-one), by HTTP Basic or an existing session. Whatever other modules are present, these
 * URLs are never open; {@link SignedInUserInterceptor} refuses any request that reaches the API without a user.
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
public class ActivityApiSecurityAutoConfiguration {

    /** The query API's URL space; matched on the decoded, normalised path. */
    public static final String[] QUERY_PATHS = {"/api/stats", "/api/attempts/**", "/api/timeline", "/api/leases"};

    /** After the agent API's chain, before the dashboard's catch-all. */
    public static final int ORDER = 20;

    @Bean
    @Order(ORDER)
    SecurityFilterChain turnstileActivityApiSecurity(HttpSecurity http) throws Exception {
        var entryPoint = new ApiAuthenticationEntryPoint();
        return http.securityMatcher(QUERY_PATHS)
                .authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
                .httpBasic(basic -> basic.authenticationEntryPoint(entryPoint))
                .exceptionHandling(exceptions -> exceptions.authenticationEntryPoint(entryPoint))
                // Read-only GETs: nothing for a forged request to change.
                .csrf(AbstractHttpConfigurer::disable)
                .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.NEVER))
                .requestCache(AbstractHttpConfigurer::disable)
                .build();
    }
}
