package dev.turnstile.projections.jobs.web;

import dev.turnstile.projections.jobs.JobOperations;
import dev.turnstile.projections.jobs.JobQueries;
import dev.turnstile.projections.jobs.config.JobsAutoConfiguration;
import dev.turnstile.projections.jobs.config.JobsProperties;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The job API of the read model in servlet web applications that have a {@link JobQueries} bean: reads
 * ({@code /api/queues}, {@code /api/queues/{queue}/jobs}, {@code /api/jobs/{jobId}}), live streams
 * ({@code …/events}) and, with {@link JobOperations}, the operator requests. Access rules: {@link JobApiAccess}.
 */
@AutoConfiguration(after = JobsAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(name = "org.springframework.web.servlet.DispatcherServlet")
@ConditionalOnBean(JobQueries.class)
@EnableConfigurationProperties(JobsProperties.class)
public class JobsWebAutoConfiguration {

    @Bean
    JobQueryController jobQueryController(JobQueries queries) {
        return new JobQueryController(queries);
    }

    @Bean
    @ConditionalOnBean(JobOperations.class)
    JobOperatorController jobOperatorController(JobOperations operations, JobQueries queries) {
        return new JobOperatorController(operations, queries);
    }

    @Bean(destroyMethod = "close")
    JobEventStreams jobEventStreams(JobQueries queries, JobsProperties settings) {
        return new JobEventStreams(
                queries,
                new JobEventStreams.Settings(
                        settings.maxStreams(),
                        settings.streamBuffer(),
                        settings.streamHeartbeat(),
                        settings.streamMaxDuration()));
    }

    /** The live streams' meters, when the application has Micrometer. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
    static class StreamMeters {

        @Bean
        MeterBinder jobEventStreamMeters(JobEventStreams streams) {
            return registry -> {
                Gauge.builder("turnstile.jobs.streams.open", streams, JobEventStreams::openCount)
                        .description("Live job event streams (Server-Sent Events) open now")
                        .register(registry);
                FunctionCounter.builder("turnstile.jobs.streams.refused", streams, JobEventStreams::refusedCount)
                        .description("Live streams refused because the most were open (503)")
                        .register(registry);
                FunctionCounter.builder("turnstile.jobs.streams.overflowed", streams, JobEventStreams::overflowedCount)
                        .description("Live streams closed because their client fell further behind than the buffer")
                        .register(registry);
            };
        }
    }

    @Bean
    JobStreamController jobStreamController(JobEventStreams streams) {
        return new JobStreamController(streams);
    }

    @Bean
    WebMvcConfigurer jobApiAccessCheck() {
        var access = new JobApiAccess();
        return new WebMvcConfigurer() {
            @Override
            public void addInterceptors(InterceptorRegistry registry) {
                registry.addInterceptor(access);
            }
        };
    }
}
