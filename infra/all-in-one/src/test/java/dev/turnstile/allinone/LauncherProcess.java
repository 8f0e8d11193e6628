package dev.turnstile.allinone;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * The launcher in a JVM of its own, as {@code bin/turnstile} runs it (its JVM options, from the module's
 * {@code jvm.options}), so that a test can signal it (SIGTERM), kill it
 * (SIGKILL), start a second one beside it, or watch it exit by itself. Its output goes to
 * {@code target/launcher-processes/<name>.log} and is kept for assertions.
 */
final class LauncherProcess implements AutoCloseable {

    private static final Pattern CLAIM_API = Pattern.compile("Claim API\\s+POST http://localhost:(\\d+)/api/claim");
    private static final Pattern KAFKA = Pattern.compile("Kafka\\s+(127\\.0\\.0\\.1:\\d+) ");

    private final Process process;
    private final Path log;
    private final StringBuffer output = new StringBuffer();
    private final CompletableFuture<Integer> httpPort = new CompletableFuture<>();
    private final CompletableFuture<String> kafka = new CompletableFuture<>();
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private final Thread outputReader;

    private LauncherProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
        this.outputReader =
                Thread.ofVirtual().name("launcher-output-" + process.pid()).start(this::readOutput);
    }

    /**
     * Starts the launcher on {@code dataDir} with free ports and the given extra options (JVM options first, those
     * starting with {@code -X} or {@code -D}; the rest go to the launcher).
     */
    static LauncherProcess start(String name, Path dataDir, String... options) {
        var java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // The JVM options bin/turnstile uses (the module's jvm.options: its memory bounds); later ones override.
        var command = new ArrayList<>(List.of(java, "@" + Path.of("jvm.options").toAbsolutePath()));
        var launcherOptions = new ArrayList<String>();
        for (var option : options) {
            (option.startsWith("-X") || option.startsWith("-D") ? command : launcherOptions).add(option);
        }
        command.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                TurnstileLauncher.class.getName(),
                "--http-port=0",
                "--kafka-port=0",
                "--controller-port=0",
                "--data-dir=" + dataDir));
        command.addAll(launcherOptions);
        try {
            var logDir = Files.createDirectories(Path.of("target", "launcher-processes"));
            var builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().putIfAbsent("MALLOC_ARENA_MAX", "2");
            var process = builder.start();
            return new LauncherProcess(process, logDir.resolve(name + "-" + process.pid() + ".log"));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the launcher process", e);
        }
    }

    /** Waits until it prints its banner (it answers claims then); fails with its output if it exits first. */
    LauncherProcess awaitStarted(Duration timeout) {
        try {
            CompletableFuture.anyOf(httpPort, process.onExit()).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted while waiting for the launcher", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("The launcher did not start within " + timeout + ". Output:\n" + output, e);
        }
        assertThat(httpPort).as("launcher started; output:%n%s", output).isDone();
        return this;
    }

    long pid() {
        return process.pid();
    }

    int httpPort() {
        return httpPort.join();
    }

    String kafkaBootstrap() {
        return kafka.join();
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + httpPort() + path);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Everything it printed so far. */
    String output() {
        return output.toString();
    }

    /** SIGTERM, as a supervisor would stop it. */
    void terminate() {
        // Through the handle: Process.destroy() would also close our end of its output, losing what it says on the way.
        process.toHandle().destroy();
    }

    /** SIGKILL: no shutdown hooks, no goodbye. */
    void kill() {
        process.destroyForcibly();
    }

    /** Its exit code, waiting up to {@code timeout}; its whole output is in {@link #output()} then. */
    int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(
                        "The launcher (pid " + pid() + ") did not exit within " + timeout + ". Output:\n" + output);
            }
            outputReader.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted while waiting for the launcher to exit", e);
        }
        return process.exitValue();
    }

    /** A {@code once} claim; the answer's status and body. */
    HttpResponse<String> claim(String project, String sha, String agent) throws IOException, InterruptedException {
        var body = "{\"project\":\"" + project + "\",\"task\":\"deploy\",\"gitSha\":\"" + sha + "\",\"agentId\":\""
                + agent + "\"}";
        return http.send(
                HttpRequest.newBuilder(uri("/api/claim"))
                        .timeout(Duration.ofSeconds(15))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(uri(path))
                        .timeout(Duration.ofSeconds(15))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * {@code GET path} as the local default's dashboard user (its login is kept in {@code dataDir}): for what only a
     * signed-in user sees, such as the health details.
     */
    HttpResponse<String> getSignedIn(String path, Path dataDir) throws IOException, InterruptedException {
        var login = new Properties();
        try (var in = Files.newBufferedReader(dataDir.resolve("dashboard-login.properties"))) {
            login.load(in);
        }
        var credentials = login.getProperty("user") + ":" + login.getProperty("password");
        return http.send(
                HttpRequest.newBuilder(uri(path))
                        .timeout(Duration.ofSeconds(15))
                        .header(
                                "Authorization",
                                "Basic "
                                        + Base64.getEncoder()
                                                .encodeToString(credentials.getBytes(StandardCharsets.UTF_8)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        http.close();
    }

    private void readOutput() {
        try (var lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                var file = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
            String line;
            while ((line = lines.readLine()) != null) {
                output.append(line).append('\n');
                file.println(line);
                var claimApi = CLAIM_API.matcher(line);
                if (claimApi.find()) {
                    httpPort.complete(Integer.parseInt(claimApi.group(1)));
                }
                var broker = KAFKA.matcher(line);
                if (broker.find()) {
                    kafka.complete(broker.group(1));
                }
            }
        } catch (IOException e) {
            output.append("[reading the launcher's output failed: ").append(e).append("]\n");
        }
    }
}
