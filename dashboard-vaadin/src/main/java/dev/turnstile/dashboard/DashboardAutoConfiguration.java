package dev.turnstile.dashboard;

import com.vaadin.flow.spring.annotation.EnableVaadin;
import com.vaadin.flow.spring.security.RequestUtil;
import com.vaadin.flow.spring.security.VaadinDefaultRequestCache;
import com.vaadin.flow.spring.security.VaadinSecurityConfigurer;
import dev.turnstile.dashboard.signin.SignInFailureHandler;
import dev.turnstile.dashboard.view.LoginView;
import dev.turnstile.projections.config.ProjectionsAutoConfiguration;
import dev.turnstile.projections.query.ActivityQueries;
import jakarta.servlet.DispatcherType;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.web.server.servlet.CookieSameSiteSupplier;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;

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
public class DashboardAutoConfiguration {

    /**
     * {@code projections}: up once the activity read model has caught up with the decisions topic as it was at start-up
     * (before, the dashboard shows placeholders); in the readiness group of the applications that run the dashboard.
     */
    @Bean
    HealthIndicator projectionsHealthIndicator(ActivityQueries queries) {
        return () -> queries.ready()
                ? Health.up().build()
                : Health.down()
                        .withDetail("error", "The read model is catching up with the decisions topic")
                        .build();
    }

    @Bean(destroyMethod = "shutdownNow")
    ScheduledExecutorService dashboardScheduler() {
        return Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("dashboard-live").factory());
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

    /** After the agent API's, the query API's and the actuator's chains: every other URL. */
    static final int PAGES_ORDER = 40;

    /**
     * The dashboard pages: Vaadin's own rules, the sign-in page, and OIDC when configured. The sign-in form needs a
     * CSRF token, as any other form post: Vaadin exempts its login path by default, but its login form sends the
     * token the page carries.
     */
    @Bean
    @Order(PAGES_ORDER)
    SecurityFilterChain turnstileDashboardSecurity(
            HttpSecurity http,
            RequestUtil vaadinRequests,
            VaadinDefaultRequestCache vaadinRequestCache,
            ObjectProvider<ClientRegistrationRepository> registrations)
            throws Exception {
        // After sign-in, back to the page asked for at its own address: Spring Security's request cache would add
        // "?continue" to it (to recognise the replay), which then stays in the address bar and in shared links.
        var requestCache = new HttpSessionRequestCache();
        requestCache.setMatchingRequestParameterName(null);
        vaadinRequestCache.setDelegateRequestCache(requestCache);
        // Error dispatches render failures of other chains (a 401 must stay a 401, not become a sign-in redirect).
        // The dashboard's own files and the chart's WebJars are static and public.
        http.authorizeHttpRequests(requests -> requests.requestMatchers("/turnstile/**", "/webjars/**")
                .permitAll()
                .dispatcherTypeMatchers(DispatcherType.ERROR)
                .permitAll());
        http.with(
                VaadinSecurityConfigurer.vaadin(),
                vaadin -> vaadin.loginView(LoginView.class).enableCsrfConfiguration(false));
        // After Vaadin's configurer, so that it sets the login page first (else Spring's default page is served);
        // the login page keeps a failure handler that is already set.
        http.formLogin(form -> form.failureHandler(new SignInFailureHandler("/login")));
        http.csrf(csrf -> csrf.ignoringRequestMatchers(vaadinRequests::isFrameworkInternalRequest));
        if (registrations.getIfAvailable() != null) {
            http.oauth2Login(oauth -> oauth.loginPage("/login"));
        }
        return http.build();
    }

    /**
     * The session cookie (the dashboard's only cookie) is not sent with requests other sites start, except top-level
     * links, so a link into the dashboard still finds the user signed in. HttpOnly is Tomcat's default, and Tomcat
     * marks a session cookie Secure when the session starts over HTTPS (behind a proxy that terminates TLS, set
     * {@code server.forward-headers-strategy=native}). {@code server.servlet.session.cookie.same-site} overrides it.
     */
    @Bean
    @ConditionalOnMissingBean
    CookieSameSiteSupplier sessionCookieSameSite() {
        return CookieSameSiteSupplier.ofLax();
    }

    private static List<DashboardSettings.IdentityProvider> identityProviders(ClientRegistrationRepository repository) {
        var providers = new ArrayList<DashboardSettings.IdentityProvider>();
        if (repository instanceof Iterable<?> registrations) {
            for (var registration : registrations) {
                if (registration instanceof ClientRegistration client) {
                    providers.add(
                            new DashboardSettings.IdentityProvider(client.getRegistrationId(), client.getClientName()));
                }
            }
        }
        return providers;
    }
}
