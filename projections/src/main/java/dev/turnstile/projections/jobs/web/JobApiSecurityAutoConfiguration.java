package dev.turnstile.projections.jobs.web;

import dev.turnstile.projections.web.ApiAuthenticationEntryPoint;
import dev.turnstile.projections.web.TooManySignInAttemptsException;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * The job API's URLs in an application that has Spring Security: reads and live streams for any user of the
 * application's user store (the dashboard's, in the all-in-one), operator requests for users with the OPERATOR role;
 * by HTTP Basic or an existing session. The worker and enqueue endpoints under the same paths belong to the gateway,
 * whose chain comes first and matches them exactly (method and path).
 *
 * <p>No CSRF token: operator requests with a body must be {@code application/json} (which a page of another site
 * cannot send without the browser asking first) and deletes cannot be sent across sites either, and the session
 * cookie is {@code SameSite=Lax}.
 */
@AutoConfiguration(
        afterName = {
            "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration"
        })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(SecurityFilterChain.class)
@ConditionalOnBean(HttpSecurity.class)
public class JobApiSecurityAutoConfiguration {

    /** The job API's URL space, matched on the decoded, normalised path. */
    public static final String[] PATHS = {"/api/queues", "/api/queues/**", "/api/jobs/**"};

    /** After the agent API's chain and the activity API's, before the dashboard's catch-all. */
    public static final int ORDER = 21;

    /** What only operators may do. */
    static RequestMatcher[] operatorRequests() {
        return new RequestMatcher[] {
            PathPatternRequestMatcher.pathPattern(HttpMethod.POST, "/api/jobs/*/cancel"),
            PathPatternRequestMatcher.pathPattern(HttpMethod.POST, "/api/jobs/*/retry"),
            PathPatternRequestMatcher.pathPattern(HttpMethod.DELETE, "/api/jobs/*"),
            PathPatternRequestMatcher.pathPattern(HttpMethod.POST, "/api/queues/*/pause"),
            PathPatternRequestMatcher.pathPattern(HttpMethod.POST, "/api/queues/*/resume"),
            PathPatternRequestMatcher.pathPattern(HttpMethod.PUT, "/api/queues/*/settings"),
            PathPatternRequestMatcher.pathPattern(HttpMethod.POST, "/api/queues/*/clean")
        };
    }

    @Bean
    @Order(ORDER)
    SecurityFilterChain turnstileJobApiSecurity(HttpSecurity http) throws Exception {
        var entryPoint = entryPoint();
        return http.securityMatcher(PATHS)
                .authorizeHttpRequests(requests -> requests
                        // A stream's later dispatches and error pages belong to a request already authorised.
                        .dispatcherTypeMatchers(DispatcherType.ASYNC, DispatcherType.ERROR)
                        .permitAll()
                        .requestMatchers(operatorRequests())
                        .hasRole(JobApiAccess.OPERATOR_ROLE)
                        .anyRequest()
                        .authenticated())
                .httpBasic(basic -> basic.authenticationEntryPoint(entryPoint))
                .exceptionHandling(exceptions -> exceptions
                        .authenticationEntryPoint(entryPoint)
                        .accessDeniedHandler((request, response, denied) -> JobApiAccess.refuse(
                                response,
                                HttpServletResponse.SC_FORBIDDEN,
                                "forbidden",
                                JobApiAccess.NEEDS_AN_OPERATOR)))
                .csrf(AbstractHttpConfigurer::disable)
                .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.NEVER))
                .requestCache(AbstractHttpConfigurer::disable)
                .build();
    }

    /** 429 for throttled sign-ins (as the activity API answers), else 401 saying what the job API needs. */
    private static AuthenticationEntryPoint entryPoint() {
        var shared = new ApiAuthenticationEntryPoint();
        return (request, response, failure) -> {
            if (failure instanceof TooManySignInAttemptsException) {
                shared.commence(request, response, failure);
                return;
            }
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"Turnstile\"");
            JobApiAccess.refuse(
                    response,
                    HttpServletResponse.SC_UNAUTHORIZED,
                    "unauthorized",
                    failure instanceof org.springframework.security.authentication.BadCredentialsException
                            ? "Wrong user name or password. Repeated wrong passwords are throttled."
                            : JobApiAccess.NEEDS_A_USER);
        };
    }
}
