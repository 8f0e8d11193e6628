package dev.turnstile.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The supervisor's rules on real processes and a real PM2 (the pinned one, from npm, in a PM2 home of the test's own):
 * the edge cases the seed names, a service crashing in a loop marked failed after the policy's threshold, and logs read
 * back from a rotated, gzipped file. The crashing service is the real gateway, given a setting it refuses at start-up.
 */
class SupervisorIT {

    private Path work;
    private TurnstileCommand turnstile;
    private int httpBase;

    @BeforeEach
    void setUp() throws IOException {
        work = Files.createTempDirectory("turnstile-supervisor-");
        httpBase = TurnstileCommand.freePortRange(20);
        var profiles = work.resolve("profiles.json");
        Files.writeString(profiles, """
                {
                  "crashloop": {
                    "description": "A gateway that cannot start: it refuses its decision timeout.",
                    "kind": "external",
                    "kafka": { "bootstrapServers": "127.0.0.1:9" },
                    "processors": 0,
                    "ports": { "http": %d },
                    "restartPolicy": { "maxRestarts": 2, "windowSeconds": 600, "initialBackoffSeconds": 1, "maxBackoffSeconds": 2 },
                    "services": {
                      "dashboard": { "enabled": false },
                      "gateway": { "args": ["--turnstile.gateway.decision-timeout=banana"] }
                    }
                  },
                  "secret": {
                    "kind": "external",
                    "kafka": { "bootstrapServers": "127.0.0.1:9", "properties": { "sasl.jaas.config": "${TURNSTILE_IT_UNSET_SECRET}" } }
                  }
                }
                """.formatted(httpBase));
        turnstile = new TurnstileCommand(work.resolve("data")).env("TURNSTILE_PROFILES", profiles.toString());
    }

    @AfterEach
    void tearDown() throws IOException {
        turnstile.run(Duration.ofMinutes(2), "stop");
        try (var paths = Files.walk(work)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    @Test
    void an_unknown_profile_exits_EXIT_PROFILE_UNDEFINED_naming_it_and_where_to_define_it() {
        var result = turnstile.run(Duration.ofMinutes(2), "up", "--profile", "staging");

        assertThat(result.exit()).as(result.toString()).isEqualTo(20);
        assertThat(result.stderr())
                .contains("Profile \"staging\" is not defined")
                .contains("EXIT_PROFILE_UNDEFINED")
                .contains("remediation: define it in");
    }

    @Test
    void a_profile_using_an_unset_environment_variable_starts_nothing_and_names_the_variable() {
        var result = turnstile.run(Duration.ofMinutes(2), "up", "--profile", "secret");

        assertThat(result.exit()).as(result.toString()).isEqualTo(28);
        assertThat(result.stderr()).contains("TURNSTILE_IT_UNSET_SECRET").contains("nothing was started");
        assertThat(turnstile.dataDir().resolve("pm2")).doesNotExist();
    }

    @Test
    void a_port_taken_by_another_process_exits_EXIT_PORT_IN_USE_naming_the_process_holding_it() throws Exception {
        try (var taken = new ServerSocket(httpBase, 1, InetAddress.getByName("127.0.0.1"))) {
            assertThat(taken.isBound()).isTrue();
            var result = turnstile.run(Duration.ofMinutes(2), "up", "--profile", "crashloop");

            assertThat(result.exit()).as(result.toString()).isEqualTo(22);
            assertThat(result.stderr())
                    .contains("Port " + httpBase + ", needed by gateway, is taken by pid " + ProcessHandle.current().pid())
                    .contains("EXIT_PORT_IN_USE")
                    .contains("remediation: stop that process");
        }
    }

    @Test
    void a_service_crashing_in_a_loop_is_marked_failed_after_the_threshold_and_its_logs_survive_rotation()
            throws Exception {
        // pm2-logrotate rotates every 5 s here (daily in real use), so the lines of the first crashes end up gzipped.
        turnstile.env("TURNSTILE_LOG_ROTATE_CRON", "*/5 * * * * *");

        var up = turnstile.run(Duration.ofMinutes(8), "up", "--profile", "crashloop", "--wait", "300");

        assertThat(up.exit()).as(up.toString()).isEqualTo(24);
        assertThat(up.stderr()).contains("RESTART_THRESHOLD_EXCEEDED: gateway").contains("EXIT_RESTART_THRESHOLD_EXCEEDED");
        var gateway = turnstile.service("gateway");
        assertThat(gateway.get("state").asString()).isEqualTo("failed");
        // PM2 counts the start the policy refused as well.
        assertThat(gateway.get("restarts").asInt()).isBetween(2, 3);
        assertThat(gateway.get("detail").asString()).contains("RESTART_THRESHOLD_EXCEEDED");
        var status = turnstile.run(Duration.ofMinutes(1), "status");
        assertThat(status.exit()).isEqualTo(24);
        assertThat(status.stdout()).contains("gateway").contains("failed").contains("EXIT_RESTART_THRESHOLD_EXCEEDED");

        var logs = turnstile.dataDir().resolve("logs/gateway");
        var rotated = awaitRotatedLine(logs, "exited; restart 1 of at most 2");
        var recent = turnstile.run(Duration.ofMinutes(1), "logs", "gateway", "--since", "1h");
        assertThat(recent.exit()).isZero();
        assertThat(recent.stdout()).contains(rotated).contains("RESTART_THRESHOLD_EXCEEDED");
        Thread.sleep(2000);
        var none = turnstile.run(Duration.ofMinutes(1), "logs", "gateway", "--since", "1s");
        assertThat(none.stdout()).doesNotContain(rotated);
        var tail = turnstile.run(Duration.ofMinutes(1), "logs", "gateway", "--tail", "3");
        assertThat(tail.stdout().lines()).hasSize(3);
    }

    /** Waits until a gzipped, rotated log file holds a line containing {@code text}, and returns that line. */
    private static String awaitRotatedLine(Path logs, String text) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try (var files = Files.list(logs)) {
                for (var file : files.filter(f -> f.getFileName().toString().endsWith(".log.gz")).toList()) {
                    for (var line : gunzip(file)) {
                        if (line.contains(text)) {
                            return line;
                        }
                    }
                }
            }
            Thread.sleep(500);
        }
        throw new AssertionError("no rotated, gzipped file in " + logs + " holds \"" + text + "\"");
    }

    private static List<String> gunzip(Path file) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            return List.of(); // being written
        }
    }
}
