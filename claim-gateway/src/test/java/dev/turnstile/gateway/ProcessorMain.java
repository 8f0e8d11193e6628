package dev.turnstile.gateway;

import dev.turnstile.contracts.topic.ClaimTopics;
import dev.turnstile.processor.claim.ClaimProcessorService;
import dev.turnstile.processor.config.ProcessorProperties;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * The production processor in a JVM of its own, so that a test can kill it hard (SIGKILL: no close, no commit, no
 * leaving the group). Args: bootstrap servers, application id, state dir, requests topic, decisions topic.
 */
public final class ProcessorMain {

    public static void main(String[] args) throws InterruptedException {
        var topics = ClaimTopics.named(args[3], args[4]);
        var config = ProcessorProperties.defaults(args[1], args[2])
                .toStreamsConfig(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, args[0]), topics);
        var processor = new ClaimProcessorService(config, topics);
        processor.start();
        if (!processor.awaitRunning(Duration.ofSeconds(120))) {
            System.out.println("NOT RUNNING " + processor.state());
            System.exit(1);
        }
        System.out.println("RUNNING");
        Thread.currentThread().join();
    }
}
