package dev.turnstile.dashboard;

import com.vaadin.flow.spring.annotation.EnableVaadin;
import com.vaadin.flow.spring.security.VaadinAwareSecurityContextHolderStrategyConfiguration;
import com.vaadin.flow.spring.security.VaadinSecurityConfigurer;
import dev.turnstile.dashboard.view.LoginView;
import dev.turnstile.projections.config.ProjectionsAutoConfiguration;
import dev.turnstile.projections.query.ActivityQueries;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The analytics dashboard (Vaadin Flow) over the projections, behind a sign-in: form login for configured users
 * ({@code turnstile.dashboard.users}), and OIDC when an identity provider is registered
 * ({@code spring.security.oauth2.client.registration.*}). The claim API and health stay open to CI agents (agent
 * bearer tokens, when configured, are checked by the gateway); the query API takes HTTP Basic or the dashboard's
 * session.
 */
@AutoConfiguration(after = ProjectionsAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnProperty(prefix = "turnstile.dashboard", name = "enabled", matchIfMissing = true)
@ConditionalOnBean(ActivityQueries.class)
@EnableConfigurationProperties(DashboardProperties.class)
@EnableVaadin("dev.turnstile.dashboard")
@EnableWebSecurity
@Import(VaadinAwareSecurityContextHolderStrategyConfiguration.class)
public class DashboardAutoConfiguration {

    private static final Logger log = LoggerFactory.getLogger(DashboardAutoConfiguration.class);

    /** Paths CI agents and probes call without a browser session. */
    static final String[] OPEN_API = {
        "/api/claim", "/api/claim/**", "/api/lease/**", "/api/health", "/actuator/health", "/actuator/health/**"
    };

    @Bean(destroyMethod = "shutdownNow")
    ScheduledExecutorService dashboardScheduler() {
        return Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("dashboard-live").factory());
    }

    @Bean
    DashboardSettings dashboardSettings(
            DashboardProperties properties,
            ObjectProvider<Clock> clock,
            ScheduledExecutorService dashboardScheduler,
            ObjectProvider<ClientRegistrationRepository> registrations) {
        return new DashboardSettings(
                clock.getIfAvailable(Clock::systemUTC),
                dashboardScheduler,
                properties.liveCoalesce(),
                properties.idleRefresh(),
                properties.pageSize(),
                identityProviders(registrations.getIfAvailable()));
    }

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

    /** The dashboard pages: Vaadin's own rules, the sign-in page, and OIDC when configured. */
    @Bean
    @Order(2)
    SecurityFilterChain turnstileDashboardSecurity(
            HttpSecurity http, ObjectProvider<ClientRegistrationRepository> registrations) throws Exception {
        // The error page renders failures of the API chain (a 401 must stay a 401, not become a sign-in redirect).
        http.authorizeHttpRequests(requests -> requests.requestMatchers("/turnstile/**", "/error").permitAll());
        http.with(VaadinSecurityConfigurer.vaadin(), vaadin -> vaadin.loginView(LoginView.class));
        if (registrations.getIfAvailable() != null) {
            http.oauth2Login(oauth -> oauth.loginPage("/login"));
        }
        return http.build();
    }

    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    @Bean
    UserDetailsService dashboardUsers(
            DashboardProperties properties, ObjectProvider<ClientRegistrationRepository> registrations) {
        var users = new ArrayList<org.springframework.security.core.userdetails.UserDetails>();
        properties.users().forEach((name, user) -> {
            var password = user.password();
            if (password == null || !password.matches("\\{(bcrypt|argon2@SpringSecurity_v5_8|argon2|pbkdf2@SpringSecurity_v5_8|pbkdf2|scrypt@SpringSecurity_v5_8|scrypt)}.+")) {
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

    private static List<DashboardSettings.IdentityProvider> identityProviders(ClientRegistrationRepository repository) {
        var providers = new ArrayList<DashboardSettings.IdentityProvider>();
        if (repository instanceof Iterable<?> registrations) {
            for (var registration : registrations) {
                if (registration instanceof ClientRegistration client) {
                    providers.add(new DashboardSettings.IdentityProvider(
                            client.getRegistrationId(), client.getClientName()));
                }
            }
        }
        return providers;
    }
}
