package dev.turnstile.allinone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.turnstile.client.cli.ClaimCtl;
import dev.turnstile.contracts.json.Json;
import dev.turnstile.dashboard.login.LocalDashboardLogin;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.core.type.TypeReference;

/** The local default as a user meets it: the launcher starts everything, claimctl talks to it, data survives. */
class AllInOneIT {

    private Path dataDir;
    private TurnstileLauncher launcher;

    @BeforeEach
    void createDataDir() throws IOException {
        dataDir = Files.createTempDirectory("turnstile-all-in-one-");
    }

    @AfterEach
    void stopAndClean() throws IOException {
        if (launcher != null) {
            launcher.shutdown();
        }
        try (var paths = Files.walk(dataDir)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        }
    }

    @Test
    void claimctl_proceeds_for_the_first_agent_and_skips_the_second_with_exit_code_zero() {
        launcher = start();
        var sha = UUID.randomUUID().toString().replace("-", "").substring(0, 10);

        var first = claimctl("claim", "--project", "hire", "--task", "convex-deploy", "--sha", sha, "--agent", "a1");
        var second = claimctl("claim", "--project", "hire", "--task", "convex-deploy", "--sha", sha, "--agent", "a2");

        assertThat(first.exitCode()).isZero();
        assertThat(first.out()).contains("hire:convex-deploy — proceeding as first instance");
        assertThat(second.exitCode()).isZero();
        assertThat(second.out()).contains("hire:convex-deploy — skipping, already claimed by a1 at");
    }

    @Test
    void the_downloaded_claimctl_claims_from_a_directory_without_a_checkout(@TempDir Path scratch) throws Exception {
        launcher = start();
        var sha = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        Path archive = Path.of(System.getProperty("claimctl.archive"));
        assertThat(archive)
                .as("the claimctl archive; build it with ./mvnw package -pl claim-client -am")
                .exists();
        assertThat(new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", scratch.toString())
                        .inheritIO()
                        .start()
                        .waitFor())
                .isZero();
        Path claimctl;
        try (var unpacked = Files.list(scratch)) {
            claimctl = unpacked.findFirst().orElseThrow().resolve("bin/claimctl");
        }
        var env = Map.of(
                "PATH",
                "/usr/bin:/bin",
                "JAVA_HOME",
                System.getProperty("java.home"),
                "TURNSTILE_URL",
                "http://127.0.0.1:" + launcher.httpPort(),
                "GITHUB_SHA",
                sha);

        var first = launch(
                scratch, env, claimctl.toString(), "claim", "--project", "hire", "--task", "deploy", "--agent", "a1");
        var second = launch(
                scratch,
                env,
                claimctl.toString(),
                "claim",
                "--exit-code",
                "--project",
                "hire",
                "--task",
                "deploy",
                "--agent",
                "a2");

        assertThat(first.exitCode()).as(first.out()).isZero();
        assertThat(first.out())
                .contains("claimctl: sha " + sha + " (from GITHUB_SHA)")
                .contains("hire:deploy — proceeding as first instance (sha " + sha + ", agent a1)");
        assertThat(second.exitCode()).as(second.out()).isEqualTo(ClaimCtl.SKIPPED);
        assertThat(second.out()).contains("hire:deploy — skipping, already claimed by a1 at");
    }

    /** Runs a program in {@code directory} with only {@code env}; its standard output and error together. */
    private static Run launch(Path directory, Map<String, String> env, String... command) throws Exception {
        var builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(env);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), out);
    }

    @Test
    void claimctl_run_runs_the_command_only_for_the_winner_and_returns_its_exit_code() {
        launcher = start();
        var sha = UUID.randomUUID().toString().replace("-", "").substring(0, 10);

        var winner = claimctl(
                "run",
                "--project",
                "web",
                "--task",
                "deploy",
                "--sha",
                sha,
                "--agent",
                "a1",
                "--",
                "sh",
                "-c",
                "exit 7");
        var loser = claimctl(
                "run",
                "--project",
                "web",
                "--task",
                "deploy",
                "--sha",
                sha,
                "--agent",
                "a2",
                "--",
                "sh",
                "-c",
                "exit 9");

        assertThat(winner.exitCode()).isEqualTo(7);
        assertThat(loser.exitCode()).isZero();
    }

    @Test
    void a_claim_made_before_a_restart_still_holds_after_it() {
        launcher = start();
        var sha = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        assertThat(claimctl(
                                "claim",
                                "--project",
                                "hire",
                                "--task",
                                "deploy",
                                "--sha",
                                sha,
                                "--agent",
                                "before",
                                "--exit-code")
                        .exitCode())
                .isZero();
        launcher.shutdown();

        launcher = start();
        var after = claimctl(
                "claim", "--project", "hire", "--task", "deploy", "--sha", sha, "--agent", "after", "--exit-code");

        assertThat(after.exitCode()).isEqualTo(ClaimCtl.SKIPPED);
        assertThat(after.out()).contains("already claimed by before");
        assertThat(claimctl("health").exitCode()).isZero();
    }

    @Test
    void the_activity_api_asks_for_credentials_while_the_claim_api_its_document_and_health_stay_open()
            throws Exception {
        launcher = start();
        try (var http = HttpClient.newHttpClient()) {
            var base = "http://127.0.0.1:" + launcher.httpPort();
            var stats = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/api/stats")).build(),
                    HttpResponse.BodyHandlers.discarding());
            var health = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/api/health")).build(),
                    HttpResponse.BodyHandlers.discarding());
            var dashboard = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/")).build(), HttpResponse.BodyHandlers.discarding());
            var apiDocument = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/v3/api-docs")).build(),
                    HttpResponse.BodyHandlers.ofString());
            var apiPage = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/swagger-ui/index.html"))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());

            assertThat(stats.statusCode()).isEqualTo(401);
            assertThat(stats.headers().firstValue("WWW-Authenticate"))
                    .hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(apiDocument.statusCode()).isEqualTo(200);
            assertThat(apiDocument.body()).contains("\"openapi\":\"3.1").contains("/api/claim");
            assertThat(apiPage.statusCode()).isEqualTo(200);
            assertThat(dashboard.statusCode()).isEqualTo(302);
            assertThat(dashboard.headers().firstValue("Location"))
                    .hasValueSatisfying(v -> assertThat(v).endsWith("/login"));
        }
        var sha = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        assertThat(claimctl("claim", "--project", "open", "--task", "deploy", "--sha", sha, "--agent", "a1")
                        .exitCode())
                .isZero();
    }

    @Test
    void the_github_action_claims_from_the_running_coordinator_and_writes_its_outputs(@TempDir Path scratch)
            throws Exception {
        launcher = start();
        var action = Path.of("../../.github/actions/claim/dist/index.js")
                .toAbsolutePath()
                .normalize();
        assertThat(action).as("the action's committed bundle").exists();
        var node = Path.of("/usr/bin/node");
        assertThat(node)
                .as("Node.js, which runs the action as GitHub's runner does")
                .exists();
        var sha = UUID.randomUUID().toString().replace("-", "").substring(0, 12);

        var first = runAction(node, action, scratch.resolve("first"), sha, "1");
        var second = runAction(node, action, scratch.resolve("second"), sha, "2");

        assertThat(first.exitCode).as(first.log).isZero();
        assertThat(first.outputs)
                .containsEntry("proceed", "true")
                .containsEntry("claimed-by", "github-1-1-deploy@runner 1")
                .containsEntry("fencing-token", "1")
                .containsEntry("task-key", "hire:convex-deploy:" + sha);
        assertThat(second.exitCode).as(second.log).isZero();
        assertThat(second.outputs)
                .containsEntry("proceed", "false")
                .containsEntry("claimed-by", "github-1-1-deploy@runner 1");
    }

    private record ActionRun(int exitCode, String log, Map<String, String> outputs) {}

    /** Runs the action's bundle as the runner does: inputs as INPUT_* variables, outputs to $GITHUB_OUTPUT. */
    private ActionRun runAction(Path node, Path action, Path workspace, String sha, String runner) throws Exception {
        Files.createDirectories(workspace);
        var outputFile = workspace.resolve("github-output");
        Files.writeString(outputFile, "");
        var env = Map.of(
                "PATH",
                "/usr/bin:/bin",
                "GITHUB_OUTPUT",
                outputFile.toString(),
                "GITHUB_SHA",
                sha,
                "GITHUB_RUN_ID",
                runner,
                "GITHUB_RUN_ATTEMPT",
                "1",
                "GITHUB_JOB",
                "deploy",
                "RUNNER_NAME",
                "runner " + runner,
                "INPUT_URL",
                "http://127.0.0.1:" + launcher.httpPort(),
                "INPUT_PROJECT",
                "hire",
                "INPUT_TASK",
                "convex-deploy");
        var run = launch(workspace, env, node.toString(), action.toString());
        // name<<delimiter, the value's lines, delimiter: as the runner reads the file.
        var outputs = new java.util.HashMap<String, String>();
        var lines = Files.readAllLines(outputFile);
        for (int i = 0; i < lines.size(); i++) {
            var header = lines.get(i).split("<<", 2);
            if (header.length == 2) {
                var value = new StringBuilder();
                while (!lines.get(++i).equals(header[1])) {
                    value.append(value.isEmpty() ? "" : "\n").append(lines.get(i));
                }
                outputs.put(header[0], value.toString());
            }
        }
        return new ActionRun(run.exitCode(), run.out(), outputs);
    }

    @Test
    void with_agent_tokens_configured_only_an_agent_with_a_token_may_claim() {
        var token = "ci-" + UUID.randomUUID();
        launcher = start(
                "--turnstile.security.agent-tokens=" + dev.turnstile.gateway.security.AgentTokens.digestOf(token));
        var sha = UUID.randomUUID().toString().replace("-", "").substring(0, 10);

        var stranger = claimctl("claim", "--project", "hire", "--task", "deploy", "--sha", sha, "--agent", "a1");
        var wrong = claimctl(
                Map.of("TURNSTILE_TOKEN", "not-it"),
                "claim",
                "--project",
                "hire",
                "--task",
                "deploy",
                "--sha",
                sha,
                "--agent",
                "a2");
        var agent = claimctl(
                Map.of("TURNSTILE_TOKEN", token),
                "claim",
                "--project",
                "hire",
                "--task",
                "deploy",
                "--sha",
                sha,
                "--agent",
                "a3");

        assertThat(stranger.exitCode()).isNotZero();
        assertThat(stranger.out()).contains("HTTP 401").contains("requires an agent token");
        assertThat(wrong.exitCode()).isNotZero();
        assertThat(wrong.out()).contains("the one given is not accepted");
        assertThat(agent.exitCode()).isZero();
        assertThat(agent.out()).contains("proceeding as first instance");
    }

    @Test
    @SuppressWarnings("unchecked")
    void the_activity_api_shows_each_claim_once_and_keeps_it_across_a_restart() throws Exception {
        launcher = start();
        var sha = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        claimctl("claim", "--project", "hire", "--task", "deploy", "--sha", sha, "--agent", "a1");
        claimctl("claim", "--project", "hire", "--task", "deploy", "--sha", sha, "--agent", "a2");

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(getJson("/api/stats"))
                        .containsEntry("totalAttempts", 2)
                        .containsEntry("duplicatesBlocked", 1));
        assertThat(Files.isDirectory(dataDir.resolve("projections"))).isTrue();
        assertThat((List<Object>) getJson("/actuator/metrics/turnstile.projections.applied")
                        .get("measurements"))
                .containsExactly(Map.of("statistic", "COUNT", "value", 2.0));
        launcher.shutdown();

        launcher = start();
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(getJson("/api/stats")).containsEntry("ready", true));
        assertThat(getJson("/api/stats")).containsEntry("totalAttempts", 2);
        assertThat((List<?>) getJson("/api/attempts/by-sha/" + sha).get("attempts"))
                .hasSize(2);
    }

    @Test
    void the_work_queue_walkthrough_of_the_readme_runs_and_the_local_login_may_operate_the_queue() throws Exception {
        launcher = start();

        var enqueued = send(
                "POST",
                "/api/queues/emails/jobs",
                "{\"jobId\":\"welcome-42\",\"name\":\"send-welcome\"," + "\"payload\":{\"to\":\"ada@example.com\"}}",
                false);
        var claimed =
                send("POST", "/api/queues/emails/claim-next", "{\"workerId\":\"worker-1\",\"waitSeconds\":20}", false);
        var token = claimed.json().get("fencingToken");
        var heartbeat = send(
                "POST",
                "/api/jobs/emails:welcome-42/heartbeat",
                "{\"workerId\":\"worker-1\",\"fencingToken\":" + token + ",\"progress\":50}",
                false);
        var completed = send(
                "POST",
                "/api/jobs/emails:welcome-42/complete",
                "{\"workerId\":\"worker-1\",\"fencingToken\":" + token + ",\"result\":{\"sent\":true}}",
                false);
        var pausedAnonymously = send("POST", "/api/queues/emails/pause", "", false);
        var paused = send("POST", "/api/queues/emails/pause", "", true);

        assertThat(enqueued.status()).isEqualTo(201);
        assertThat(claimed.status()).isEqualTo(200);
        assertThat(claimed.json()).containsEntry("id", "emails:welcome-42").containsEntry("attempt", 1);
        assertThat(heartbeat.status()).isEqualTo(200);
        assertThat(completed.json()).containsEntry("state", "succeeded");
        assertThat(pausedAnonymously.status()).isEqualTo(401);
        assertThat(paused.status())
                .as("the local default's login is an operator")
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(getJson("/api/jobs/emails:welcome-42"))
                        .containsEntry("state", "succeeded")
                        .containsEntry("progress", 50));
        assertThat(Files.isDirectory(dataDir.resolve("projections-jobs"))).isTrue();
    }

    record Answer(int status, String body) {

        Map<String, Object> json() {
            return Json.MAPPER.readValue(body, new TypeReference<Map<String, Object>>() {});
        }
    }

    /** A JSON request as curl would send it, as the local default's user when {@code signedIn}. */
    private Answer send(String method, String path, String body, boolean signedIn) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + launcher.httpPort() + path))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(40))
                .method(method, HttpRequest.BodyPublishers.ofString(body));
        if (signedIn) {
            var login = LocalDashboardLogin.loadOrCreate(dataDir);
            request.header(
                    "Authorization",
                    "Basic "
                            + java.util.Base64.getEncoder()
                                    .encodeToString((login.user() + ":" + login.password())
                                            .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        try (var http = HttpClient.newHttpClient()) {
            var response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body());
        }
    }

    /** GET as the local default's dashboard user (HTTP Basic), as another tool would. */
    private Map<String, Object> getJson(String path) throws Exception {
        var login = LocalDashboardLogin.loadOrCreate(dataDir);
        var basic = java.util.Base64.getEncoder()
                .encodeToString(
                        (login.user() + ":" + login.password()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        try (var http = HttpClient.newHttpClient()) {
            var response = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + launcher.httpPort() + path))
                            .header("Authorization", "Basic " + basic)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            return Json.MAPPER.readValue(response.body(), new TypeReference<Map<String, Object>>() {});
        }
    }

    private TurnstileLauncher start(String... extra) {
        var started = new TurnstileLauncher();
        var args = new java.util.ArrayList<>(
                List.of("--http-port=0", "--kafka-port=0", "--controller-port=0", "--data-dir=" + dataDir));
        args.addAll(List.of(extra));
        int exit = new CommandLine(started).execute(args.toArray(String[]::new));
        assertThat(exit).isZero();
        return started;
    }

    record Run(int exitCode, String out) {}

    private Run claimctl(String... args) {
        return claimctl(Map.of(), args);
    }

    private Run claimctl(Map<String, String> env, String... args) {
        var out = new StringWriter();
        var environment = new java.util.HashMap<>(env);
        environment.put("TURNSTILE_URL", "http://127.0.0.1:" + launcher.httpPort());
        var commandLine = ClaimCtl.commandLine(environment);
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(out, true));
        int exit = commandLine.execute(args);
        return new Run(exit, out.toString());
    }
}
