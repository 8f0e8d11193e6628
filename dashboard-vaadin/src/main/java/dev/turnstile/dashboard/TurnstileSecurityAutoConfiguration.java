package dev.turnstile.dashboard;

import dev.turnstile.dashboard.signin.SignInThrottle;
import dev.turnstile.dashboard.signin.ThrottledAuthenticationProvider;
import dev.turnstile.projections.web.ApiAuthenticationEntryPoint;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The dashboard's users and how they sign in, for every URL that takes a user: the configured users (hashed
 * passwords) behind a throttle ({@link SignInThrottle}) that form sign-in and HTTP Basic share, and the rules of the
 * actuator endpoints. The gateway and the projections module secure their own URLs; the dashboard's pages are
 * secured by {@link DashboardAutoConfiguration}.
 *
 * <p>Before Spring Boot's default security, which it replaces (Boot's generated user included).
 */
@AutoConfiguration(
        beforeName = {
            "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration"
        })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableConfigurationProperties(DashboardProperties.class)
@EnableWebSecurity
public class TurnstileSecurityAutoConfiguration {

    private static final Logger log = LoggerFactory.getLogger(TurnstileSecurityAutoConfiguration.class);

    /** A password hash with a scheme the password encoder knows; never a password in clear ({noop}). */
    private static final Pattern HASHED = Pattern.compile(
            "\\{(bcrypt|argon2(@SpringSecurity_v5_8)?|pbkdf2(@SpringSecurity_v5_8)?|scrypt(@SpringSecurity_v5_8)?)}.+");

    /** After the agent and query APIs' chains, before the pages' catch-all. */
    static final int ACTUATOR_ORDER = 30;

    /** Actuator: health open to probes (its details only for a signed-in user), the rest for a user by HTTP Basic. */
    @Bean
    @Order(ACTUATOR_ORDER)
    SecurityFilterChain turnstileActuatorSecurity(HttpSecurity http) throws Exception {
        var entryPoint = new ApiAuthenticationEntryPoint();
        return http.securityMatcher("/actuator/**")
                .authorizeHttpRequests(requests -> requests.requestMatchers("/actuator/health", "/actuator/health/**")
                        .permitAll()
                        .anyRequest()
                        .authenticated())
                .httpBasic(basic -> basic.authenticationEntryPoint(entryPoint))
                .exceptionHandling(exceptions -> exceptions.authenticationEntryPoint(entryPoint))
                // Reads for tools and probes, no session: nothing for a forged request to change.
                .csrf(AbstractHttpConfigurer::disable)
                .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.NEVER))
                .requestCache(AbstractHttpConfigurer::disable)
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

    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    @Bean
    SignInThrottle signInThrottle(
            DashboardProperties properties, ObjectProvider<Clock> clock, ObjectProvider<MeterRegistry> meters) {
        return new SignInThrottle(
                properties.signIn().settings(),
                clock.getIfAvailable(Clock::systemUTC),
                meters.getIfAvailable(SimpleMeterRegistry::new));
    }

    /**
     * The one way a password is checked, for every chain (form sign-in, HTTP Basic): the configured users, behind the
     * throttle. A bean, so that Spring Security's shared authentication manager uses it.
     */
    @Bean
    AuthenticationProvider dashboardSignIn(
            DashboardProperties properties,
            PasswordEncoder passwordEncoder,
            SignInThrottle throttle,
            ObjectProvider<ClientRegistrationRepository> registrations) {
        var passwords = new DaoAuthenticationProvider(dashboardUsers(properties, registrations));
        passwords.setPasswordEncoder(passwordEncoder);
        return new ThrottledAuthenticationProvider(passwords, throttle);
    }

    private static InMemoryUserDetailsManager dashboardUsers(
            DashboardProperties properties, ObjectProvider<ClientRegistrationRepository> registrations) {
        var users = new ArrayList<UserDetails>();
        properties.users().forEach((name, user) -> {
            var password = user.password();
            if (password == null || !HASHED.matcher(password).matches()) {
                throw new IllegalStateException(
                        "turnstile.dashboard.users." + name + ".password must be a password hash"
                                + " with its scheme, such as {bcrypt}$2a$10$…; make one with"
                                + " `htpasswd -bnBC 10 \"\" 'the password' | tr -d ':\\n'` and prefix it with {bcrypt}");
            }
            var roles = user.roles() == null || user.roles().isEmpty() ? List.of("ANALYST") : user.roles();
            users.add(User.withUsername(name)
                    .password(password)
                    .roles(roles.toArray(String[]::new))
                    .build());
        });
        if (users.isEmpty() && registrations.getIfAvailable() == null) {
            log.warn("No dashboard users are configured (turnstile.dashboard.users.<name>.password) and no identity"
                    + " provider (spring.security.oauth2.client.registration.*): nobody can sign in to the dashboard.");
        }
        return new InMemoryUserDetailsManager(users);
    }
}
