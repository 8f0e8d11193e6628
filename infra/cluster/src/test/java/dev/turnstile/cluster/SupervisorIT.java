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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The supervisor's rules on real processes and a real PM2 (the pinned one, from npm, in a PM2 home of the test's own):
 * the edge cases the seed names, a service killed with SIGKILL started again after the policy's backoff, a service
 * crashing in a loop marked failed after the policy's threshold, and logs read back from a rotated, gzipped file. The
 * service is the real gateway (its Kafka cluster out of reach; to crash, given a setting it refuses at start-up).
 */
class SupervisorIT {

    /** The gateway's port in these profiles; the cluster profile's tests use 28180 and up. */
    private static final int HTTP_PORT = 28280;

    private TurnstileCommand turnstile;

    @BeforeEach
    void setUp() throws IOException {
        var profiles = Path.of("target", "supervisor-it-profiles.json").toAbsolutePath();
        Files.writeString(profiles, """
                {
                  "gateway-alone": {
                    "description": "A gateway alone, its Kafka cluster out of reach: it runs, not ready, and is supervised.",
                    "kind": "external",
                    "kafka": { "bootstrapServers": "127.0.0.1:9" },
                    "processors": 0,
                    "ports": { "http": %1$d },
                    "services": { "dashboard": { "enabled": false } }
                  },
                  "crashloop": {
                    "description": "A gateway that cannot start: it refuses its decision timeout.",
                    "kind": "external",
                    "kafka": { "bootstrapServers": "127.0.0.1:9" },
                    "processors": 0,
                    "ports": { "http": %1$d },
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
                """.formatted(HTTP_PORT));
        var environment = Map.of("TURNSTILE_PROFILES", profiles.toString());
        var work = TurnstileCommand.freshWorkDirectory("supervisor-it", environment);
        turnstile = new TurnstileCommand(work.resolve("data"));
        environment.forEach(turnstile::env);
    }

    @AfterEach
    void tearDown() {
        turnstile.run(Duration.ofMinutes(2), "stop");
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
        try (var taken = new ServerSocket(HTTP_PORT, 1, InetAddress.getByName("127.0.0.1"))) {
            assertThat(taken.isBound()).isTrue();
            var result = turnstile.run(Duration.ofMinutes(2), "up", "--profile", "crashloop");

            assertThat(result.exit()).as(result.toString()).isEqualTo(22);
            assertThat(result.stderr())
                    .contains("Port " + HTTP_PORT + ", needed by gateway, is taken by pid "
                            + ProcessHandle.current().pid())
                    .contains("EXIT_PORT_IN_USE")
                    .contains("remediation: stop that process");
        }
    }

    @Test
    void a_service_killed_with_SIGKILL_is_restarted_after_the_policys_first_backoff_and_status_counts_the_restart()
            throws Exception {
        var up = turnstile.run(Duration.ofMinutes(3), "up", "--profile", "gateway-alone", "--no-wait");
        assertThat(up.exit()).as(up.toString()).isZero();
        var before = awaitOnline("gateway", -1);

        long killedAt = System.nanoTime();
        ProcessHandle.of(before.pid()).orElseThrow().destroyForcibly();
        var after = awaitOnline("gateway", before.pid());
        double seconds = (System.nanoTime() - killedAt) / 1e9;

        System.out.printf(
                Locale.ROOT,
                "gateway killed with SIGKILL: running again (pid %d) %.1f s later%n",
                after.pid(),
                seconds);
        assertThat(after.restarts()).as("restarts in status --json").isEqualTo(before.restarts() + 1);
        assertThat(seconds).as("the policy's first backoff is 5 s").isGreaterThanOrEqualTo(5.0);
        var logs = turnstile.run(Duration.ofMinutes(1), "logs", "gateway", "--since", "10m");
        assertThat(logs.stdout()).contains("gateway exited; restart 1 of at most 5 within 600 s, in 5 s");
    }

    /** What {@code status --json} says of an online service. */
    private record Online(long pid, int restarts) {}

    /** Waits until {@code status --json} shows the service online with a pid other than {@code notPid}. */
    private Online awaitOnline(String service, long notPid) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (true) {
            var status = turnstile.service(service);
            var pid = status.get("pid");
            if ("online".equals(status.get("state").asString()) && pid.isNumber() && pid.asLong() != notPid) {
                return new Online(pid.asLong(), status.get("restarts").asInt());
            }
            assertThat(System.nanoTime())
                    .as("%s online again: %s", service, status)
                    .isLessThan(deadline);
            Thread.sleep(250);
        }
    }

    @Test
    void a_service_crashing_in_a_loop_is_marked_failed_after_the_threshold_and_its_logs_survive_rotation()
            throws Exception {
        // pm2-logrotate rotates every 5 s here (daily in real use), so the lines of the first crashes end up gzipped.
        turnstile.env("TURNSTILE_LOG_ROTATE_CRON", "*/5 * * * * *");

        var up = turnstile.run(Duration.ofMinutes(8), "up", "--profile", "crashloop", "--wait", "300");

        assertThat(up.exit()).as(up.toString()).isEqualTo(24);
        assertThat(up.stderr())
                .contains("RESTART_THRESHOLD_EXCEEDED: gateway")
                .contains("EXIT_RESTART_THRESHOLD_EXCEEDED");
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
                for (var file : files.filter(f -> f.getFileName().toString().endsWith(".log.gz"))
                        .toList()) {
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
