package dev.turnstile.projections.config;

import dev.turnstile.projections.activity.ActivityProjection;
import dev.turnstile.projections.activity.DecisionRecord;
import dev.turnstile.projections.feed.TopicFeed;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/** The projection's meters ({@code turnstile.projections.*}), when the application has Micrometer. */
@AutoConfiguration(after = ProjectionsAutoConfiguration.class)
@ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
@ConditionalOnBean(ActivityProjection.class)
public class ProjectionsMetricsAutoConfiguration {

    @Bean
    ProjectionMeters activityProjectionMeters(
            ActivityProjection projection, ObjectProvider<TopicFeed<DecisionRecord>> runner) {
        return new ProjectionMeters(projection, runner.getIfAvailable());
    }
}
