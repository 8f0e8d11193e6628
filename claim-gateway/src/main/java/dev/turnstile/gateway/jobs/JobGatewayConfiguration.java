package dev.turnstile.gateway.jobs;

import dev.turnstile.contracts.job.JobCommand;
import dev.turnstile.contracts.job.JobEvent;
import dev.turnstile.contracts.topic.JobTopics;
import dev.turnstile.contracts.topic.ProducerDeadline;
import dev.turnstile.gateway.answers.PendingAnswers;
import dev.turnstile.gateway.health.DiskSpace;
import dev.turnstile.gateway.settings.GatewayProperties;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.time.Clock;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/** The work-queue endpoints of the gateway (enqueue and workers); package-private types stay package-private. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "turnstile.gateway.jobs", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(JobGatewayProperties.class)
public class JobGatewayConfiguration {

    @Bean
    @ConditionalOnMissingBean
    JobTopics jobTopics(Environment environment) {
        return JobTopics.fromProperties(environment::getProperty);
    }

    @Bean
    PendingAnswers<JobEvent> pendingJobAnswers(JobGatewayProperties settings) {
        return PendingAnswers.forJobAnswers(settings.maxPending());
    }

    @Bean
    JobEventListener jobEventListener(
            KafkaProperties kafka, JobTopics topics, PendingAnswers<JobEvent> pending, MeterRegistry meters) {
        var config = kafka.buildConsumerProperties();
        // No group: every gateway reads every partition from the end and commits nothing.
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "turnstile-gateway-job-events");
        // Uncommitted answers are safe to give, as for claims: the processor's successor re-decides them identically.
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        // A missing topic is waited for, never made with a broker's defaults (its partitions must match job-requests).
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        return new JobEventListener(config, topics.events(), pending::complete, meters);
    }

    /** A bean, so that the application closes its producer on shutdown (before a co-located broker stops). */
    @Bean
    DefaultKafkaProducerFactory<String, JobCommand> jobCommandProducerFactory(
            KafkaProperties kafka, JobTopics topics, GatewayProperties settings) {
        var config = kafka.buildProducerProperties();
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "turnstile-gateway-job-commands");
        // A worker is waiting for this one record: no linger, and a Kafka outage answers 503 within the deadline.
        ProducerDeadline.apply(config, settings.decisionTimeout());
        var requests = topics.requests();
        return new DefaultKafkaProducerFactory<>(
                config, requests.keySerde().serializer(), requests.valueSerde().serializer());
    }

    @Bean
    JobService jobService(
            DefaultKafkaProducerFactory<String, JobCommand> jobCommandProducerFactory,
            JobTopics topics,
            PendingAnswers<JobEvent> pending,
            JobEventListener listener,
            DiskSpace diskSpace,
            Clock clock,
            GatewayProperties settings,
            ObjectProvider<ObservationRegistry> observations) {
        var template = new KafkaTemplate<>(jobCommandProducerFactory);
        // The command record carries the HTTP request's trace (W3C traceparent) to the job requests topic.
        template.setObservationEnabled(true);
        return new JobService(
                template,
                topics.requests(),
                pending,
                listener::isListening,
                diskSpace,
                clock,
                settings.decisionTimeout(),
                observations.getIfAvailable(() -> ObservationRegistry.NOOP));
    }

    @Bean
    JobMetrics jobMetrics(MeterRegistry meters, PendingAnswers<JobEvent> pending) {
        return new JobMetrics(meters, pending);
    }

    @Bean
    JobRequests jobRequests(
            JobService service, JobMetrics metrics, GatewayProperties gateway, JobGatewayProperties settings) {
        return new JobRequests(
                service,
                metrics,
                new JobReplies(metrics, settings.maxBodyBytes(), gateway.decisionTimeout(), gateway.retryAfter()));
    }

    @Bean
    EnqueueController enqueueController(JobRequests requests) {
        return new EnqueueController(requests);
    }

    @Bean
    WorkerController workerController(JobRequests requests) {
        return new WorkerController(requests);
    }
}
