package dev.turnstile.allinone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Stopping the service under load: a real launcher process, SIGTERM, agents claiming all the while. */
class GracefulShutdownIT {

    private static final int AGENTS = 16;

    private Path dataDir;

    @BeforeEach
    void createDataDir() throws IOException {
        dataDir = Files.createTempDirectory("turnstile-shutdown-");
    }

    @AfterEach
    void deleteDataDir() throws IOException {
        try (var paths = Files.walk(dataDir)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        }
    }

    @Test
    void on_sigterm_every_claim_sent_before_is_answered_and_later_ones_are_answered_or_refused_never_dropped()
            throws Exception {
        try (var turnstile = LauncherProcess.start("shutdown", dataDir).awaitStarted(Duration.ofSeconds(120))) {
            var signalledAt = new AtomicLong(Long.MAX_VALUE);
            var sentBefore = new ConcurrentHashMap<String, AtomicInteger>();
            var sentAfter = new ConcurrentHashMap<String, AtomicInteger>();
            var answered = new AtomicInteger();
            try (var agents = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int agent = 0; agent < AGENTS; agent++) {
                    var agentId = "agent-" + agent;
                    agents.submit(() -> {
                        // Until the service refuses connections: it has stopped listening, there is nothing more to
                        // see.
                        for (var outcome = ""; !outcome.equals("refused"); ) {
                            long sent = System.nanoTime();
                            outcome = claim(turnstile, agentId);
                            var outcomes = sent < signalledAt.get() ? sentBefore : sentAfter;
                            outcomes.computeIfAbsent(outcome, key -> new AtomicInteger())
                                    .incrementAndGet();
                            answered.incrementAndGet();
                        }
                        return null;
                    });
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> answered.get() >= 300);
                signalledAt.set(System.nanoTime());
                turnstile.terminate();
                turnstile.awaitExit(Duration.ofSeconds(60));
            }

            System.out.printf("Claims sent before SIGTERM: %s; after: %s%n", counts(sentBefore), counts(sentAfter));
            assertThat(counts(sentBefore)).as("claims sent before SIGTERM").containsOnlyKeys("HTTP 200");
            assertThat(counts(sentAfter))
                    .as("claims sent after SIGTERM")
                    .containsKey("refused")
                    .allSatisfy((outcome, count) -> assertThat(outcome).isIn("HTTP 200", "refused"));
            assertThat(turnstile.output()).contains("Drained the HTTP server in");
        }
    }

    /** {@code HTTP <status>}, {@code refused} (no connection: clean), or {@code dropped: <error>} (mid-request). */
    private static String claim(LauncherProcess turnstile, String agentId) throws InterruptedException {
        var sha = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try {
            return "HTTP " + turnstile.claim("shutdown", sha, agentId).statusCode();
        } catch (ConnectException e) {
            return "refused";
        } catch (IOException e) {
            return "dropped: " + e;
        }
    }

    private static Map<String, Integer> counts(Map<String, AtomicInteger> outcomes) {
        var counts = new java.util.TreeMap<String, Integer>();
        outcomes.forEach((outcome, count) -> counts.put(outcome, count.get()));
        return counts;
    }
}
