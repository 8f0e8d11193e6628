package dev.turnstile.allinone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One data directory, one instance: real launcher processes, a real broker. */
class DataDirectoryLockIT {

    private Path dataDir;

    @BeforeEach
    void createDataDir() throws IOException {
        dataDir = Files.createTempDirectory("turnstile-lock-");
    }

    @AfterEach
    void deleteDataDir() throws IOException {
        try (var paths = Files.walk(dataDir)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        }
    }

    @Test
    void a_second_instance_on_a_running_instances_data_directory_is_refused_and_the_first_keeps_answering()
            throws Exception {
        try (var first = LauncherProcess.start("lock-first", dataDir).awaitStarted(Duration.ofSeconds(120));
                var second = LauncherProcess.start("lock-second", dataDir)) {
            assertThat(first.claim("lock", sha(), "before").statusCode()).isEqualTo(200);

            int exit = second.awaitExit(Duration.ofSeconds(60));

            assertThat(exit).as(second.output()).isEqualTo(TurnstileLauncher.EXIT_DATA_DIRECTORY_IN_USE);
            assertThat(second.output())
                    .contains("Data directory " + dataDir + " is in use by another Turnstile (pid " + first.pid())
                    .contains("kill " + first.pid());
            // The first instance's broker used to die a moment after the second one gave up: watch it for a while.
            var answered = new AtomicInteger();
            await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                assertThat(first.isAlive())
                        .as("first instance alive; output:%n%s", first.output())
                        .isTrue();
                assertThat(first.claim("lock", sha(), "after").statusCode()).isEqualTo(200);
                answered.incrementAndGet();
            });
            assertThat(answered).hasValueGreaterThan(1);
        }
    }

    private static String sha() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }
}
