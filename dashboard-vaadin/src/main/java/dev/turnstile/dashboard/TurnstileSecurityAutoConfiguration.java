package dev.turnstile.dashboard;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Who may call what, whether or not the dashboard runs: the claim and lease API and health stay open to CI agents
 * (agent bearer tokens, when configured, are checked by the gateway); the activity API and the other actuator
 * endpoints take a configured user, by HTTP Basic or the dashboard's session.
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableConfigurationProperties(DashboardProperties.class)
@EnableWebSecurity
public class TurnstileSecurityAutoConfiguration {

    private static final Logger log = LoggerFactory.getLogger(TurnstileSecurityAutoConfiguration.class);

    /** A password hash with a scheme the password encoder knows; never a password in clear ({noop}). */
    private static final Pattern HASHED = Pattern.compile(
            "\\{(bcrypt|argon2(@SpringSecurity_v5_8)?|pbkdf2(@SpringSecurity_v5_8)?|scrypt(@SpringSecurity_v5_8)?)}.+");

    /** Paths CI agents and probes call without a browser session. */
    static final String[] OPEN_API = {
        "/api/claim", "/api/claim/**", "/api/lease/**", "/api/health", "/actuator/health", "/actuator/health/**"
    };

    /** The API: open claim path and health; queries and metrics for signed-in users or HTTP Basic. */
    @Bean
    @Order(1)
    SecurityFilterChain turnstileApiSecurity(HttpSecurity http) throws Exception {
        return http.securityMatcher("/api/**", "/actuator/**")
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers(OPEN_API).permitAll()
                        .anyRequest().authenticated())
                .httpBasic(Customizer.withDefaults())
                .csrf(csrf -> csrf.disable())
                .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.NEVER))
                .build();
    }

    /**
     * No Micrometer observation per security filter: with ~15 filters a request, it cost a quarter of the request
     * threads' CPU in the benchmark (bench/README.md). Requests are still timed ({@code http.server.requests}).
     */
    @Bean
    SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }

    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    @Bean
    UserDetailsService dashboardUsers(
            DashboardProperties properties, ObjectProvider<ClientRegistrationRepository> registrations) {
        var users = new ArrayList<UserDetails>();
        properties.users().forEach((name, user) -> {
            var password = user.password();
            if (password == null || !HASHED.matcher(password).matches()) {
                throw new IllegalStateException("turnstile.dashboard.users." + name + ".password must be a password hash"
                        + " with its scheme, such as {bcrypt}$2a$10$…; make one with"
                        + " `htpasswd -bnBC 10 \"\" 'the password' | tr -d ':\\n'` and prefix it with {bcrypt}");
            }
            var roles = user.roles() == null || user.roles().isEmpty() ? List.of("ANALYST") : user.roles();
            users.add(User.withUsername(name).password(password).roles(roles.toArray(String[]::new)).build());
        });
        if (users.isEmpty() && registrations.getIfAvailable() == null) {
            log.warn("No dashboard users are configured (turnstile.dashboard.users.<name>.password) and no identity"
                    + " provider (spring.security.oauth2.client.registration.*): nobody can sign in to the dashboard.");
        }
        return new InMemoryUserDetailsManager(users);
    }
}
