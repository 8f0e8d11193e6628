package dev.turnstile.projections.config;

import dev.turnstile.contracts.topic.ClaimTopics;
import dev.turnstile.projections.activity.ActivityProjection;
import dev.turnstile.projections.activity.DecisionRecord;
import dev.turnstile.projections.feed.TopicFeed;
import dev.turnstile.projections.query.ActivityQueries;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * The activity read model inside any Spring Boot application that has this module on its classpath: the model
 * ({@code activityProjection}) and its {@link ActivityQueries} bean ({@code activityQueries}), fed from the decisions
 * topic by a reader thread that starts and stops with the application. Supply your own {@link ActivityQueries} bean
 * to replace them all.
 */
@AutoConfiguration(after = KafkaAutoConfiguration.class)
@ConditionalOnProperty(prefix = "turnstile.projections", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(ProjectionsProperties.class)
public class ProjectionsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    ClaimTopics claimTopics(Environment environment) {
        return ClaimTopics.fromProperties(environment::getProperty);
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(ActivityQueries.class)
    ActivityProjection activityProjection(
            ProjectionsProperties settings, ClaimTopics topics, ObjectProvider<Clock> clock) {
        return ActivityProjection.open(
                Path.of(settings.stateDir()),
                topics.decisions().name(),
                clock.getIfAvailable(Clock::systemUTC),
                settings.rebuildOnStart(),
                settings.rocksdbMemory().toBytes());
    }

    @Bean
    @ConditionalOnBean(ActivityProjection.class)
    ActivityQueries activityQueries(ActivityProjection projection) {
        return projection.queries();
    }

    @Bean(destroyMethod = "")
    @ConditionalOnBean(ActivityProjection.class)
    TopicFeed<DecisionRecord> activityFeed(
            KafkaProperties kafka, ProjectionsProperties settings, ClaimTopics topics, ActivityProjection projection) {
        return new TopicFeed<>(
                consumerConfig(kafka, settings),
                topics.decisions().name(),
                projection.feedTarget(),
                DecisionRecord::of,
                settings.pollTimeout());
    }

    @Bean
    @ConditionalOnBean(ActivityProjection.class)
    SmartLifecycle activityFeedLifecycle(TopicFeed<DecisionRecord> feed) {
        return new FeedLifecycle(feed);
    }

    /** The reader's consumer settings: {@code spring.kafka.consumer.*}, the projections' own cluster, then extras. */
    public static Map<String, Object> consumerConfig(KafkaProperties kafka, ProjectionsProperties settings) {
        var config = new HashMap<>(kafka.buildConsumerProperties());
        if (settings.bootstrapServers() != null && !settings.bootstrapServers().isBlank()) {
            config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        }
        config.putAll(settings.consumer());
        return config;
    }
}
