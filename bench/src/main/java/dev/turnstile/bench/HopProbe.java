package dev.turnstile.bench;

import dev.turnstile.contracts.topic.ClaimTopics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import tools.jackson.databind.json.JsonMapper;

/**
 * Times each hop of one agent's claims through Turnstile (see {@link HopBreakdown}), reading both topics of the
 * all-in-one's broker as a plain consumer — nothing in Turnstile is changed or asked. Every claim is for a new key,
 * so that the key names one claim in both topics.
 */
final class HopProbe {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private HopProbe() {}

    static HopBreakdown measure(URI turnstile, String bootstrap, Duration duration, boolean interactive)
            throws Exception {
        Map<String, Instant> commandSeen = new ConcurrentHashMap<>();
        Map<String, Instant> decisionSeen = new ConcurrentHashMap<>();
        Map<String, Instant> attemptedAt = new ConcurrentHashMap<>();
        var reading = new AtomicBoolean(true);
        var ready = new java.util.concurrent.CountDownLatch(1);
        var failure = new java.util.concurrent.atomic.AtomicReference<Exception>();
        var observer = Thread.ofPlatform().name("hop-observer").start(() -> {
            try (var consumer = new KafkaConsumer<String, String>(consumerConfig(bootstrap))) {
                var partitions = new ArrayList<TopicPartition>();
                for (var topic : List.of(ClaimTopics.DEFAULT_REQUESTS, ClaimTopics.DEFAULT_DECISIONS)) {
                    consumer.partitionsFor(topic)
                            .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
                }
                consumer.assign(partitions);
                consumer.seekToEnd(partitions);
                partitions.forEach(consumer::position);
                ready.countDown();
                while (reading.get()) {
                    var records = consumer.poll(Duration.ofMillis(100));
                    var seen = Instant.now();
                    for (var record : records) {
                        if (record.topic().equals(ClaimTopics.DEFAULT_REQUESTS)) {
                            commandSeen.putIfAbsent(record.key(), seen);
                        } else if (decisionSeen.putIfAbsent(record.key(), seen) == null) {
                            var attempted = JSON.readTree(record.value()).path("attemptedAt");
                            if (attempted.isString()) {
                                attemptedAt.put(record.key(), Instant.parse(attempted.asString()));
                            }
                        }
                    }
                }
            } catch (Exception e) {
                failure.set(e);
                ready.countDown();
            }
        });
        if (!ready.await(30, java.util.concurrent.TimeUnit.SECONDS) || failure.get() != null) {
            reading.set(false);
            throw new IllegalStateException(
                    "Could not read the topics at " + bootstrap + " to time the hops", failure.get());
        }

        var claims = new ArrayList<String[]>(); // key, sent, answered
        var workload = new Workload(0.0, Long.toHexString(System.nanoTime() & 0xfffffffL));
        try (var http = HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .build();
                var bar = Progress.of("turnstile        hops, 1 agent", duration.toMillis(), interactive)) {
            long begin = System.nanoTime();
            long end = begin + duration.toNanos();
            while (System.nanoTime() < end) {
                var sha = workload.nextSha();
                var body = "{\"project\":\"bench\",\"task\":\"hops\",\"gitSha\":\"" + sha
                        + "\",\"agentId\":\"bench-agent-0\"}";
                var sent = Instant.now();
                var response = http.send(
                        HttpRequest.newBuilder(turnstile.resolve("/api/claim"))
                                .header("Content-Type", "application/json")
                                .timeout(Duration.ofSeconds(30))
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                var answered = Instant.now();
                HttpClaimTarget.proceeds(response.statusCode(), response.body());
                claims.add(new String[] {"bench:hops:" + sha, sent.toString(), answered.toString()});
                bar.stepTo(Duration.ofNanos(System.nanoTime() - begin).toMillis());
            }
        }
        Thread.sleep(1000); // the last decisions reach the observer
        reading.set(false);
        observer.join();

        var timed = new ArrayList<long[]>();
        for (var claim : claims) {
            var key = claim[0];
            if (attemptedAt.containsKey(key) && commandSeen.containsKey(key)) {
                timed.add(new long[] {
                    micros(Instant.parse(claim[1])),
                    micros(attemptedAt.get(key)),
                    micros(commandSeen.get(key)),
                    micros(decisionSeen.get(key)),
                    micros(Instant.parse(claim[2]))
                });
            }
        }
        var breakdown = HopBreakdown.of(timed);
        System.out.printf("%-16s hops: %d of %d claims timed at 1 agent%n", "turnstile", timed.size(), claims.size());
        return breakdown;
    }

    private static long micros(Instant instant) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
    }

    private static Properties consumerConfig(String bootstrap) {
        var config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        // What the gateway reads: decisions as soon as they are appended, before their transaction commits.
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "turnstile-bench-hops");
        return config;
    }
}
