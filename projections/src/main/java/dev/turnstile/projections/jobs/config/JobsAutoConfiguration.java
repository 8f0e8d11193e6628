package dev.turnstile.projections.jobs.config;

import dev.turnstile.contracts.job.JobCommand;
import dev.turnstile.contracts.topic.JobTopics;
import dev.turnstile.contracts.topic.ProducerDeadline;
import dev.turnstile.projections.config.FeedLifecycle;
import dev.turnstile.projections.config.ProjectionsAutoConfiguration;
import dev.turnstile.projections.config.ProjectionsProperties;
import dev.turnstile.projections.feed.TopicFeed;
import dev.turnstile.projections.jobs.JobEventRecord;
import dev.turnstile.projections.jobs.JobOperations;
import dev.turnstile.projections.jobs.JobProjection;
import dev.turnstile.projections.jobs.JobQueries;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
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
 * The work-queue read model inside any Spring Boot application that has this module: a {@link JobQueries} bean
 * ({@code jobProjection}) fed from {@code job-events} by a reader thread that starts and stops with the application,
 * and {@link JobOperations} for operators. Off with {@code turnstile.projections.enabled=false} or
 * {@code turnstile.projections.jobs.enabled=false}.
 */
@AutoConfiguration(after = KafkaAutoConfiguration.class)
@ConditionalOnProperty(prefix = "turnstile.projections", name = "enabled", matchIfMissing = true)
@ConditionalOnProperty(prefix = "turnstile.projections.jobs", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties({JobsProperties.class, ProjectionsProperties.class})
public class JobsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    JobTopics jobTopics(Environment environment) {
        return JobTopics.fromProperties(environment::getProperty);
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(JobQueries.class)
    JobProjection jobProjection(
            JobsProperties settings, ProjectionsProperties projections, JobTopics topics, ObjectProvider<Clock> clock) {
        return JobProjection.open(
                Path.of(settings.stateDirBeside(projections.stateDir())),
                topics.events().name(),
                clock.getIfAvailable(Clock::systemUTC),
                settings.limits(),
                settings.rebuildOnStart());
    }

    @Bean(destroyMethod = "")
    @ConditionalOnBean(JobProjection.class)
    TopicFeed<JobEventRecord> jobFeed(
            KafkaProperties kafka,
            ProjectionsProperties projections,
            JobsProperties settings,
            JobTopics topics,
            JobProjection projection) {
        return new TopicFeed<>(
                ProjectionsAutoConfiguration.consumerConfig(kafka, projections),
                topics.events().name(),
                projection.feedTarget(),
                JobEventRecord::of,
                settings.pollTimeout());
    }

    @Bean
    @ConditionalOnBean(JobProjection.class)
    SmartLifecycle jobFeedLifecycle(TopicFeed<JobEventRecord> feed) {
        return new FeedLifecycle(feed);
    }

    /** The producer of operator commands; a bean so that it is closed on shutdown. */
    @Bean(destroyMethod = "close")
    @ConditionalOnBean(JobProjection.class)
    KafkaProducer<String, JobCommand> jobOperationsProducer(
            KafkaProperties kafka, ProjectionsProperties projections, JobsProperties settings, JobTopics topics) {
        var config = new HashMap<>(kafka.buildProducerProperties());
        if (projections.bootstrapServers() != null
                && !projections.bootstrapServers().isBlank()) {
            config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, projections.bootstrapServers());
        }
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "turnstile-projections-job-operations");
        // An operator is waiting: no linger, and an outage answers 503 within the operation's deadline.
        ProducerDeadline.apply(config, settings.operationTimeout());
        var requests = topics.requests();
        return new KafkaProducer<>(
                config, requests.keySerde().serializer(), requests.valueSerde().serializer());
    }

    @Bean
    @ConditionalOnBean(JobProjection.class)
    JobOperations jobOperations(
            KafkaProducer<String, JobCommand> jobOperationsProducer,
            JobTopics topics,
            JobProjection projection,
            JobsProperties settings,
            ObjectProvider<Clock> clock) {
        return new JobOperations(
                jobOperationsProducer,
                topics.requests(),
                projection,
                clock.getIfAvailable(Clock::systemUTC),
                settings.operationTimeout(),
                settings.maxPendingOperations());
    }
}
