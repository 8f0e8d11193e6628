package dev.turnstile.examples.decisions;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads {@code claim-decisions} with nothing but {@code kafka-clients}: a consumer group reading committed records
 * (each decision once, even across a processor's crash), routed on {@code ce_type}. {@link #run()} polls until
 * {@link #close()} is called from another thread.
 *
 * <pre>{@code
 * java dev.turnstile.examples.decisions.PlainDecisionsConsumer localhost:9092 claim-decisions
 * }</pre>
 */
public final class PlainDecisionsConsumer implements AutoCloseable {

    private final KafkaConsumer<String, byte[]> consumer;
    private final String topic;
    private final DecisionRouter router;

    public PlainDecisionsConsumer(String bootstrapServers, String groupId, String topic, DecisionHandler handler) {
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG,
                groupId,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class));
        this.topic = topic;
        this.router = new DecisionRouter(handler);
    }

    /** Polls and routes until closed; offsets are committed automatically after each poll. */
    public void run() {
        consumer.subscribe(List.of(topic));
        try {
            while (true) {
                for (var record : consumer.poll(Duration.ofSeconds(1))) {
                    router.route(record.headers(), record.value());
                }
            }
        } catch (WakeupException closing) {
            // close() was called: leave the group.
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }

    /** Stops {@link #run()}; safe to call from another thread. */
    @Override
    public void close() {
        consumer.wakeup();
    }

    public static void main(String[] args) {
        var bootstrap = args.length > 0 ? args[0] : "localhost:9092";
        var topic = args.length > 1 ? args[1] : "claim-decisions";
        var consumer = new PlainDecisionsConsumer(bootstrap, "decisions-example", topic, new PrintingHandler());
        Runtime.getRuntime().addShutdownHook(new Thread(consumer::close));
        consumer.run();
    }

    /** Prints each decision. */
    private static final class PrintingHandler implements DecisionHandler {

        @Override
        public void granted(Decision decision) {
            System.out.println(decision.taskKey() + ": " + decision.agentId() + " proceeds");
        }

        @Override
        public void denied(Decision decision) {
            System.out.println(decision.taskKey() + ": " + decision.agentId() + " skips, held by " + decision.heldBy());
        }
    }
}
