package dev.turnstile.examples.decisions;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.handler.annotation.Header;
import org.springframework.messaging.handler.annotation.Payload;

/**
 * Reads {@code claim-decisions} with Spring Kafka: a {@code @KafkaListener} that gets the {@code ce_type} header
 * as a method argument and the value as bytes, and hands every decision to each {@link DecisionHandler} bean.
 * Connection settings come from {@code application.properties} ({@code spring.kafka.*}, {@code decisions.topic}).
 */
@SpringBootApplication
public class SpringDecisionsListener {

    private static final Logger log = LoggerFactory.getLogger(SpringDecisionsListener.class);

    private final DecisionRouter router;

    SpringDecisionsListener(List<DecisionHandler> handlers) {
        this.router = new DecisionRouter(new DecisionHandler() {
            @Override
            public void granted(Decision decision) {
                handlers.forEach(handler -> handler.granted(decision));
            }

            @Override
            public void denied(Decision decision) {
                handlers.forEach(handler -> handler.denied(decision));
            }
        });
    }

    /** Raw Kafka headers arrive as {@code byte[]}; a record without {@code ce_type} is not a decision and skipped. */
    @KafkaListener(topics = "${decisions.topic:claim-decisions}", groupId = "${decisions.group:decisions-example}")
    void onDecision(
            @Payload byte[] value,
            @Header(name = DecisionRouter.CE_TYPE, required = false) byte[] ceType,
            @Header(KafkaHeaders.RECEIVED_KEY) String taskKey) {
        var type = ceType == null ? null : new String(ceType, StandardCharsets.UTF_8);
        if (!router.route(type, value)) {
            log.debug("Skipped {} on {}", type, taskKey);
        }
    }

    /** Logs each decision. */
    @Bean
    DecisionHandler loggingHandler() {
        return new DecisionHandler() {
            @Override
            public void granted(Decision decision) {
                log.info("{}: {} proceeds", decision.taskKey(), decision.agentId());
            }

            @Override
            public void denied(Decision decision) {
                log.info("{}: {} skips, held by {}", decision.taskKey(), decision.agentId(), decision.heldBy());
            }
        };
    }

    public static void main(String[] args) {
        SpringApplication.run(SpringDecisionsListener.class, args);
    }
}
