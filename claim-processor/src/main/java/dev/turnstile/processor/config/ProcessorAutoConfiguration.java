package dev.turnstile.processor.config;

import dev.turnstile.contracts.topic.ClaimTopics;
import dev.turnstile.contracts.topic.JobTopics;
import dev.turnstile.processor.ProcessorTopology;
import dev.turnstile.processor.claim.ClaimProcessorService;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/** Runs the processor (claims and jobs) inside any Spring Boot application that has this module on its classpath. */
@AutoConfiguration(after = KafkaAutoConfiguration.class)
@ConditionalOnProperty(prefix = "turnstile.processor", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(ProcessorProperties.class)
public class ProcessorAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    ClaimTopics claimTopics(Environment environment) {
        return ClaimTopics.fromProperties(environment::getProperty);
    }

    @Bean
    @ConditionalOnMissingBean
    JobTopics jobTopics(Environment environment) {
        return JobTopics.fromProperties(environment::getProperty);
    }

    /** One Streams application decides claims and, unless turned off, jobs (see {@link ProcessorTopology}). */
    @Bean(destroyMethod = "")
    ClaimProcessorService claimProcessorService(
            KafkaProperties kafka, ProcessorProperties settings, ClaimTopics topics, JobTopics jobTopics) {
        var topology = ProcessorTopology.build(
                topics,
                settings.expiryCheckInterval(),
                settings.requestMemory(),
                settings.jobs().enabled() ? jobTopics : null,
                settings.jobs().topologySettings(settings.requestMemory()));
        return new ClaimProcessorService(streamsConfig(kafka, settings, topics), topology);
    }

    @Bean
    SmartLifecycle claimProcessorLifecycle(ClaimProcessorService processor, ProcessorProperties settings) {
        return new ProcessorLifecycle(processor, settings.startupTimeout());
    }

    @Bean
    HealthIndicator claimProcessorHealthIndicator(ClaimProcessorService processor) {
        return () -> (processor.isAlive() ? Health.up() : Health.down())
                .withDetail("state", processor.state().name())
                .build();
    }

    /**
     * {@code claimProcessorReadiness}: up only while the Streams application is RUNNING, its partitions assigned and
     * their state restored; down while it starts, rebalances or restores (claims on its partitions wait then).
     */
    @Bean
    HealthIndicator claimProcessorReadinessHealthIndicator(ClaimProcessorService processor) {
        return () -> (processor.state() == KafkaStreams.State.RUNNING ? Health.up() : Health.down())
                .withDetail("state", processor.state().name())
                .build();
    }

    @Bean
    KafkaStreamsMetrics claimProcessorMetrics(ClaimProcessorService processor, ObjectProvider<MeterRegistry> registry) {
        var metrics = new KafkaStreamsMetrics(processor.streams());
        registry.ifAvailable(metrics::bindTo);
        return metrics;
    }

    /** The processor's Streams configuration: Spring's {@code spring.kafka.*}, our defaults, then overrides. */
    static Properties streamsConfig(KafkaProperties kafka, ProcessorProperties settings, ClaimTopics topics) {
        return settings.toStreamsConfig(kafka.buildStreamsProperties(), topics);
    }

    /** Starts the processor with the application and waits until it decides; stops it first on shutdown. */
    private static final class ProcessorLifecycle implements SmartLifecycle {

        private final ClaimProcessorService processor;
        private final java.time.Duration startupTimeout;
        private volatile boolean running;

        ProcessorLifecycle(ClaimProcessorService processor, java.time.Duration startupTimeout) {
            this.processor = processor;
            this.startupTimeout = startupTimeout;
        }

        @Override
        public void start() {
            processor.start();
            running = true;
            try {
                if (!processor.awaitRunning(startupTimeout)) {
                    throw new IllegalStateException("Claim processor did not start within " + startupTimeout
                            + " (state " + processor.state() + "). Check that Kafka is reachable at"
                            + " spring.kafka.bootstrap-servers and that the claim and job topics exist.");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while starting the claim processor", e);
            }
        }

        @Override
        public void stop() {
            running = false;
            processor.close();
        }

        @Override
        public boolean isRunning() {
            return running;
        }

        @Override
        public int getPhase() {
            // Before a co-located gateway's decision listener and web server (Spring Boot starts the web server at
            // DEFAULT_PHASE - 2048), and stopped after them, so that no accepted claim finds the processor gone.
            return SmartLifecycle.DEFAULT_PHASE - 4096;
        }
    }
}
