package dev.turnstile.gateway.claim;

import dev.turnstile.contracts.claim.ClaimCommand;
import dev.turnstile.contracts.claim.ClaimEvent;
import dev.turnstile.contracts.topic.ClaimTopics;
import dev.turnstile.contracts.topic.ProducerDeadline;
import dev.turnstile.gateway.answers.PendingAnswers;
import dev.turnstile.gateway.health.DecisionListenerStatus;
import dev.turnstile.gateway.health.DiskSpace;
import dev.turnstile.gateway.settings.GatewayProperties;
import dev.turnstile.gateway.web.RequestDrain;
import dev.turnstile.gateway.web.SlowRequests;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.time.Clock;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/** The claim path's beans; package-private types stay package-private. */
@Configuration(proxyBeanMethods = false)
public class ClaimGatewayConfiguration {

    @Bean
    PendingAnswers<ClaimEvent> pendingDecisions(GatewayProperties settings) {
        return PendingAnswers.forDecisions(settings.maxPending());
    }

    @Bean
    ClaimOutcomes claimOutcomes(GatewayProperties settings, MeterRegistry meters) {
        var outcomes = new ClaimOutcomes(settings.outcomeTableSize(), settings.maxOutcomeWaiters());
        meters.gauge("turnstile.outcome.waiters", outcomes, ClaimOutcomes::waiting);
        return outcomes;
    }

    @Bean
    DecisionListener decisionListener(
            KafkaProperties kafka,
            ClaimTopics topics,
            PendingAnswers<ClaimEvent> pending,
            ClaimOutcomes outcomes,
            MeterRegistry meters) {
        var config = kafka.buildConsumerProperties();
        // No group: every gateway reads every partition from the end and commits nothing.
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "turnstile-gateway-decisions");
        // Uncommitted decisions are safe to answer from: the processor's successor re-produces them identically.
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        // Every decision answers its waiting request (if any) and updates the wait-for-winner table.
        return new DecisionListener(
                config,
                topics.decisions(),
                (decision, answered) -> {
                    pending.complete(decision, answered);
                    outcomes.record(decision);
                },
                meters);
    }

    /** A bean, so that the application closes its producer on shutdown (before a co-located broker stops). */
    @Bean
    DefaultKafkaProducerFactory<String, ClaimCommand> claimCommandProducerFactory(
            KafkaProperties kafka, ClaimTopics topics, GatewayProperties settings) {
        var config = kafka.buildProducerProperties();
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "turnstile-gateway-commands");
        // An agent is waiting for this one record: no linger, and a Kafka outage answers 503 within its deadline.
        ProducerDeadline.apply(config, settings.decisionTimeout());
        var requests = topics.requests();
        return new DefaultKafkaProducerFactory<>(
                config, requests.keySerde().serializer(), requests.valueSerde().serializer());
    }

    @Bean
    KafkaTemplate<String, ClaimCommand> claimCommandTemplate(
            DefaultKafkaProducerFactory<String, ClaimCommand> claimCommandProducerFactory) {
        var template = new KafkaTemplate<>(claimCommandProducerFactory);
        // The command record carries the HTTP request's trace (W3C traceparent) to the requests topic.
        template.setObservationEnabled(true);
        return template;
    }

    @Bean
    ClaimService claimService(
            KafkaTemplate<String, ClaimCommand> claimCommandTemplate,
            ClaimTopics topics,
            PendingAnswers<ClaimEvent> pending,
            DiskSpace diskSpace,
            Clock clock,
            GatewayProperties settings,
            ObjectProvider<ObservationRegistry> observations) {
        return new ClaimService(
                claimCommandTemplate,
                topics.requests(),
                pending,
                diskSpace,
                clock,
                settings.decisionTimeout(),
                observations.getIfAvailable(() -> ObservationRegistry.NOOP));
    }

    @Bean
    ClaimMetrics claimMetrics(MeterRegistry meters, PendingAnswers<ClaimEvent> pending) {
        return new ClaimMetrics(meters, pending);
    }

    @Bean
    SlowRequests slowRequests(GatewayProperties settings, MeterRegistry meters) {
        return new SlowRequests(settings.requestReadTimeout(), meters);
    }

    @Bean
    Replies replies(ClaimMetrics metrics, SlowRequests slowRequests, GatewayProperties settings) {
        return new Replies(
                metrics, slowRequests, settings.maxBodyBytes(), settings.decisionTimeout(), settings.retryAfter());
    }

    @Bean
    ClaimController claimController(ClaimService service, ClaimMetrics metrics, Replies replies) {
        return new ClaimController(service, metrics, replies);
    }

    @Bean
    HolderController holderController(ClaimService service, ClaimMetrics metrics, Replies replies) {
        return new HolderController(service, metrics, replies);
    }

    @Bean
    OutcomeController outcomeController(ClaimOutcomes outcomes, Replies replies, GatewayProperties settings) {
        return new OutcomeController(outcomes, replies, settings.maxOutcomeWait());
    }

    /** On shutdown, outcome long polls answer with what is known instead of holding the server up. */
    @Bean
    RequestDrain.Participant outcomeWaitsEnd(ClaimOutcomes outcomes) {
        return outcomes::stopWaiting;
    }

    /** For health: whether the decision listener is reading. */
    @Bean
    DecisionListenerStatus decisionListenerStatus(DecisionListener listener) {
        return listener::isListening;
    }
}
