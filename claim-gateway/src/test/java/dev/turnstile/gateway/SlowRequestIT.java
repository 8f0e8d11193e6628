package dev.turnstile.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnstile.contracts.topic.ClaimTopics;
import dev.turnstile.kafka.local.SharedTestKafka;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Clients that send their request a byte at a time, over a real socket to the real server: the request has to arrive
 * within the read deadline, counted from its first byte, however the bytes trickle in.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SlowRequestIT {

    private static final Duration DEADLINE = Duration.ofSeconds(3);
    private static final Duration DRIP_EVERY = Duration.ofMillis(500);

    private ConfigurableApplicationContext gateway;
    private int port;

    @BeforeAll
    void start() {
        ClaimTopics topics = SharedTestKafka.freshClaimTopics();
        gateway = new SpringApplicationBuilder(GatewayApplication.class)
                .properties(Map.of(
                        "server.port",
                        "0",
                        "spring.kafka.bootstrap-servers",
                        SharedTestKafka.bootstrapServers(),
                        "turnstile.topics.requests",
                        topics.requests().name(),
                        "turnstile.topics.decisions",
                        topics.decisions().name(),
                        "turnstile.processor.enabled",
                        "false",
                        "turnstile.gateway.request-read-timeout",
                        DEADLINE.toMillis() + "ms"))
                .run();
        port = Integer.parseInt(gateway.getEnvironment().getProperty("local.server.port"));
    }

    @AfterAll
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void a_client_trickling_its_headers_is_cut_off_once_the_request_read_deadline_has_passed() throws Exception {
        var cutOffAfter = trickle("POST /api/claim HTTP/1.1\r\nHost: localhost\r\n", "X-Trickle: " + "a".repeat(1000));

        assertThat(cutOffAfter).isBetween(DEADLINE, DEADLINE.plusSeconds(3));
        assertThat(slowRequests("headers")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void a_client_trickling_its_body_is_cut_off_once_the_request_read_deadline_has_passed() throws Exception {
        var cutOffAfter = trickle(
                "POST /api/claim HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 1000\r\n\r\n{\"project\":\"",
                "a".repeat(1000));

        assertThat(cutOffAfter).isBetween(DEADLINE, DEADLINE.plusSeconds(3));
        assertThat(slowRequests("body")).isGreaterThanOrEqualTo(1);
    }

    /**
     * Sends {@code start} at once, then {@code rest} a byte every {@link #DRIP_EVERY}, and returns how long after the
     * first byte the server closed the connection (at most 30 s, the test's patience).
     */
    private Duration trickle(String start, String rest) throws Exception {
        var drip = rest.getBytes(StandardCharsets.US_ASCII);
        try (var socket = new Socket("127.0.0.1", port);
                var dripper = Executors.newSingleThreadScheduledExecutor()) {
            var out = socket.getOutputStream();
            var closed = new CompletableFuture<Long>();
            long firstByte = System.nanoTime();
            out.write(start.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.ofVirtual().start(() -> {
                try (var in = socket.getInputStream()) {
                    while (in.read() != -1) {
                        // An answer (408) may come before the close; the close is what counts.
                    }
                } catch (IOException e) {
                    // Reset by the server: closed too.
                }
                closed.complete(System.nanoTime());
            });
            var next = new AtomicInteger();
            dripper.scheduleAtFixedRate(
                    () -> {
                        try {
                            out.write(drip[next.getAndIncrement() % drip.length]);
                            out.flush();
                        } catch (IOException e) {
                            closed.complete(System.nanoTime());
                        }
                    },
                    DRIP_EVERY.toMillis(),
                    DRIP_EVERY.toMillis(),
                    TimeUnit.MILLISECONDS);
            long closedAt = closed.get(30, TimeUnit.SECONDS);
            return Duration.ofNanos(closedAt - firstByte);
        }
    }

    private double slowRequests(String phase) {
        var counter = gateway.getBean(MeterRegistry.class)
                .find("turnstile.gateway.slow.requests")
                .tag("phase", phase)
                .counter();
        return counter == null ? 0 : counter.count();
    }
}
