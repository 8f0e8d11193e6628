package dev.turnstile.allinone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.MAP;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.turnstile.contracts.json.Json;
import dev.turnstile.contracts.topic.ClaimTopics;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.core.type.TypeReference;

/**
 * A data directory on a small disk that fills up: a real launcher process on a tmpfs mount (so it needs root; skipped
 * otherwise, saying why), filled with a file of zeros.
 */
class FullDiskIT {

    private static final long MiB = 1024 * 1024;

    private Path mount;
    private Path dataDir;
    private Path filler;
    private final List<LauncherProcess> launchers = new ArrayList<>();

    @BeforeEach
    void mountSmallDisk() throws Exception {
        assumeTrue(
                "root".equals(System.getProperty("user.name")),
                "Filling a disk needs a tmpfs mount of its own, which needs root; run the tests as root to include this");
        mount = Files.createTempDirectory("turnstile-disk-");
        var mounted = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=400m", "tmpfs", mount.toString())
                .redirectErrorStream(true)
                .start();
        var output = new String(mounted.getInputStream().readAllBytes());
        assumeTrue(
                mounted.waitFor() == 0,
                "Could not mount a tmpfs at " + mount + " (" + output.strip()
                        + "); this test needs root and a kernel that allows tmpfs mounts");
        dataDir = mount.resolve("data");
        filler = mount.resolve("filler");
    }

    @AfterEach
    void unmount() throws Exception {
        launchers.forEach(LauncherProcess::close);
        if (mount != null) {
            new ProcessBuilder("umount", "-l", mount.toString())
                    .inheritIO()
                    .start()
                    .waitFor();
            Files.deleteIfExists(mount);
        }
    }

    @Test
    void below_the_free_space_threshold_claims_are_refused_with_disk_low_and_nothing_is_written() throws Exception {
        var turnstile = start("disk-low", "--turnstile.gateway.min-free-disk=96MB");
        var granted = claimSome(turnstile, 3);

        fillUntilFree(48 * MiB);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            var health = turnstile.get("/api/health");
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(health.body())
                    .contains("Free disk space under " + dataDir)
                    .contains("below the threshold");
        });
        // The health details are for a signed-in user only.
        var actuator = json(turnstile.getSignedIn("/actuator/health", dataDir).body());
        assertThat(actuator).containsEntry("status", "DOWN");
        assertThat(actuator)
                .extractingByKey("components")
                .asInstanceOf(MAP)
                .extractingByKey("diskSpace")
                .asInstanceOf(MAP)
                .containsEntry("status", "DOWN")
                .extractingByKey("details")
                .asInstanceOf(MAP)
                .containsEntry("path", dataDir.toString());
        long writtenBefore = requestsWritten(turnstile);
        for (int i = 0; i < 5; i++) {
            var refused = turnstile.claim("disk", sha(), "while-low");
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            assertThat(json(refused.body()))
                    .containsEntry("error", "disk_low")
                    .hasEntrySatisfying(
                            "detail",
                            message -> assertThat((String) message)
                                    .contains("Free disk space under " + dataDir)
                                    .contains("below the threshold of 100,663,296 bytes")
                                    .contains("the request was not written"));
        }
        assertThat(requestsWritten(turnstile))
                .as("records on the requests topic")
                .isEqualTo(writtenBefore);

        Files.delete(filler);

        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() ->
                        assertThat(turnstile.get("/api/health").statusCode()).isEqualTo(200));
        assertThat(turnstile.claim("disk", sha(), "after-freeing").statusCode()).isEqualTo(200);
        turnstile.terminate();
        turnstile.awaitExit(Duration.ofSeconds(60));

        var restarted = start("disk-low-restarted", "--turnstile.gateway.min-free-disk=96MB");
        assertGrantsKept(restarted, granted);
    }

    @Test
    void
            when_the_broker_log_directory_fails_anyway_the_process_exits_with_code_11_and_a_restart_keeps_every_acknowledged_grant()
                    throws Exception {
        // No threshold: the guard is off, so the disk really fills up under load.
        var turnstile = start("disk-full", "--turnstile.gateway.min-free-disk=0");
        var granted = new ConcurrentHashMap<String, String>();
        var stop = new AtomicBoolean();
        try (var agents = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int agent = 0; agent < 8; agent++) {
                var agentId = "agent-" + agent;
                agents.submit(() -> {
                    while (!stop.get()) {
                        var sha = sha();
                        try {
                            var answer = turnstile.claim("full", sha, agentId);
                            if (answer.statusCode() == 200
                                    && json(answer.body()).get("proceed") == Boolean.TRUE) {
                                granted.put(sha, agentId);
                            }
                        } catch (IOException e) {
                            // The process is going down: keep trying until the test stops us.
                        }
                    }
                    return null;
                });
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> granted.size() >= 50);
            fillUntilFree(2 * MiB);

            int exit = turnstile.awaitExit(Duration.ofSeconds(120));
            stop.set(true);

            assertThat(exit).as(turnstile.output()).isEqualTo(TurnstileLauncher.EXIT_BROKER_FAILED);
            assertThat(turnstile.output())
                    .contains("The local Kafka broker stopped")
                    .contains("Free disk space under " + dataDir)
                    .contains("Exiting with code 11 so that a supervisor restarts Turnstile");
        }

        Files.delete(filler);
        var restarted = start("disk-full-restarted", "--turnstile.gateway.min-free-disk=0");
        assertGrantsKept(restarted, Map.copyOf(granted));
    }

    private LauncherProcess start(String name, String... options) {
        var launcher = LauncherProcess.start(name, dataDir, options);
        launchers.add(launcher);
        return launcher.awaitStarted(Duration.ofSeconds(120));
    }

    /** Claims {@code count} fresh keys; task key SHA to holder. */
    private static Map<String, String> claimSome(LauncherProcess turnstile, int count) throws Exception {
        var granted = new ConcurrentHashMap<String, String>();
        for (int i = 0; i < count; i++) {
            var sha = sha();
            var answer = turnstile.claim("full", sha, "before-" + i);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            assertThat(json(answer.body())).containsEntry("proceed", true);
            granted.put(sha, "before-" + i);
        }
        return granted;
    }

    /**
     * Every key granted before is still held by the same agent: another agent is told to skip. Asked by 8 agents at
     * once that retry a 503 (a just restarted service may answer some with decision_timeout while it warms up), as
     * the real clients do.
     */
    private static void assertGrantsKept(LauncherProcess turnstile, Map<String, String> granted) throws Exception {
        assertThat(granted).isNotEmpty();
        var answers = new ConcurrentHashMap<String, Object>();
        var keys = new java.util.concurrent.ConcurrentLinkedQueue<>(granted.keySet());
        try (var agents = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int agent = 0; agent < 8; agent++) {
                agents.submit(() -> {
                    for (var sha = keys.poll(); sha != null; sha = keys.poll()) {
                        var key = sha;
                        await().atMost(Duration.ofSeconds(60)).until(() -> {
                            var answer = turnstile.claim("full", key, "latecomer");
                            if (answer.statusCode() != 200) {
                                return false;
                            }
                            var body = json(answer.body());
                            answers.put(key, body.get("proceed") + " " + body.get("claimedBy"));
                            return true;
                        });
                    }
                    return null;
                });
            }
        }
        var expected = granted.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, entry -> "false " + entry.getValue()));
        assertThat(answers).containsExactlyInAnyOrderEntriesOf(expected);
    }

    /** Writes zeros into the filler file until the disk has about {@code free} bytes left. */
    private void fillUntilFree(long free) throws IOException {
        long toWrite = Files.getFileStore(mount).getUsableSpace() - free;
        var zeros = ByteBuffer.allocate((int) MiB);
        try (var file = FileChannel.open(filler, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            for (long written = 0; written < toWrite; written += MiB) {
                zeros.clear();
                if (toWrite - written < MiB) {
                    zeros.limit((int) (toWrite - written));
                }
                file.write(zeros, written);
            }
        }
    }

    /** How many records the requests topic holds (its end offsets). */
    private static long requestsWritten(LauncherProcess turnstile) throws Exception {
        try (var admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, turnstile.kafkaBootstrap()))) {
            var topic = ClaimTopics.DEFAULT_REQUESTS;
            var partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
                    .collect(Collectors.toMap(p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.latest()));
            return admin.listOffsets(partitions).all().get().values().stream()
                    .mapToLong(info -> info.offset())
                    .sum();
        }
    }

    private static Map<String, Object> json(String body) {
        return Json.MAPPER.readValue(body, new TypeReference<Map<String, Object>>() {});
    }

    private static String sha() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }
}
