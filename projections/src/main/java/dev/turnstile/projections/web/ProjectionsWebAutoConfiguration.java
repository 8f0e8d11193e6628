package dev.turnstile.projections.web;

import dev.turnstile.projections.config.ProjectionsAutoConfiguration;
import dev.turnstile.projections.query.ActivityQueries;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The JSON HTTP API of the activity read model ({@code /api/stats}, {@code /api/attempts},
 * {@code /api/attempts/by-sha/{gitSha}}, {@code /api/leases}, {@code /api/timeline}) in servlet web applications that
 * have an {@link ActivityQueries} bean. It answers signed-in users only ({@link SignedInUserInterceptor}).
 */
@AutoConfiguration(after = ProjectionsAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(name = "org.springframework.web.servlet.DispatcherServlet")
@ConditionalOnBean(ActivityQueries.class)
public class ProjectionsWebAutoConfiguration {

    @Bean
    ActivityController activityController(ActivityQueries queries, ObjectProvider<Clock> clock) {
        return new ActivityController(queries, clock.getIfAvailable(Clock::systemUTC));
    }

    @Bean
    WebMvcConfigurer activityApiNeedsAUser() {
        var interceptor = new SignedInUserInterceptor();
        return new WebMvcConfigurer() {
            @Override
            public void addInterceptors(InterceptorRegistry registry) {
                registry.addInterceptor(interceptor);
            }
        };
    }
}
