package dev.turnstile.allinone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnstile.contracts.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.core.type.TypeReference;

/** A real launcher process killed with SIGKILL and started again on its data. */
class RestartAfterCrashIT {

    /**
     * Longer than Kafka's usual, so that waiting for the dead instance to leave its group would show: a restart that
     * waits it out takes at least this long.
     */
    private static final Duration GROUP_SESSION = Duration.ofSeconds(180);

    private Path dataDir;

    @BeforeEach
    void createDataDir() throws IOException {
        dataDir = Files.createTempDirectory("turnstile-restart-");
    }

    @AfterEach
    void deleteDataDir() throws IOException {
        try (var paths = Files.walk(dataDir)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        }
    }

    @Test
    void a_restarted_instance_takes_its_partitions_back_at_once_instead_of_waiting_for_its_dead_self_to_time_out()
            throws Exception {
        var session = "--turnstile.processor.streams.consumer.session.timeout.ms=" + GROUP_SESSION.toMillis();
        var granted = new LinkedHashMap<String, String>();
        try (var crashed = LauncherProcess.start("crash", dataDir, session).awaitStarted(Duration.ofSeconds(120))) {
            for (int i = 0; i < 5; i++) {
                var sha = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
                assertThat(json(crashed.claim("crash", sha, "agent-" + i).body()))
                        .containsEntry("proceed", true);
                granted.put(sha, "agent-" + i);
            }
            crashed.kill();
            crashed.awaitExit(Duration.ofSeconds(30));
        }

        long restartedAt = System.nanoTime();
        try (var restarted =
                LauncherProcess.start("restarted", dataDir, session).awaitStarted(GROUP_SESSION.multipliedBy(2))) {
            var restart = Duration.ofNanos(System.nanoTime() - restartedAt);
            System.out.printf("Restarted after SIGKILL: answering claims %d ms after its start%n", restart.toMillis());

            assertThat(restart).isLessThan(GROUP_SESSION.minusSeconds(30));
            for (var grant : granted.entrySet()) {
                var answer = json(
                        restarted.claim("crash", grant.getKey(), "latecomer").body());
                assertThat(answer).containsEntry("proceed", false).containsEntry("claimedBy", grant.getValue());
            }
        }
    }

    private static Map<String, Object> json(String body) {
        return Json.MAPPER.readValue(body, new TypeReference<Map<String, Object>>() {});
    }
}
