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
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The analytics dashboard (Vaadin Flow) over the projections, behind a sign-in: form login for the users of
 * {@link TurnstileSecurityAutoConfiguration}, and OIDC when an identity provider is registered
 * ({@code spring.security.oauth2.client.registration.*}).
 */
@AutoConfiguration(after = {ProjectionsAutoConfiguration.class, TurnstileSecurityAutoConfiguration.class})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnProperty(prefix = "turnstile.dashboard", name = "enabled", matchIfMissing = true)
@ConditionalOnBean(ActivityQueries.class)
@EnableConfigurationProperties(DashboardProperties.class)
@EnableVaadin("dev.turnstile.dashboard")
@Import(VaadinAwareSecurityContextHolderStrategyConfiguration.class)
public class DashboardAutoConfiguration {

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
