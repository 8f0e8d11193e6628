package dev.turnstile.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code bin/turnstile} as an operator runs it, on a data directory of the test's own (so PM2's home, the logs and the
 * services' data are the test's, and {@code stop} ends them all). The build is the reactor's: nothing is rebuilt, the
 * jars are copied into the test's own distribution directory.
 */
final class TurnstileCommand {

    /** What a command printed and how it exited. */
    record Result(int exit, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path root = Path.of(System.getProperty("turnstile.root", "../.."))
            .toAbsolutePath()
            .normalize();
    private final Path dataDir;
    private final Map<String, String> environment = new HashMap<>();

    TurnstileCommand(Path dataDir) {
        this.dataDir = dataDir;
        environment.put("TURNSTILE_SKIP_BUILD", "1");
        environment.put(
                "TURNSTILE_DIST_ROOT", root.resolve("infra/cluster/target/dist").toString());
    }

    TurnstileCommand env(String name, String value) {
        environment.put(name, value);
        return this;
    }

    Path dataDir() {
        return dataDir;
    }

    /** Runs {@code bin/turnstile <args> --data-dir <the test's>} and waits for it, at most {@code timeout}. */
    Result run(Duration timeout, String... args) {
        var command = new ArrayList<>(List.of(root.resolve("bin/turnstile").toString()));
        command.addAll(List.of(args));
        command.add("--data-dir=" + dataDir);
        try {
            var out = Files.createTempFile("turnstile-out", ".txt");
            var err = Files.createTempFile("turnstile-err", ".txt");
            var builder = new ProcessBuilder(command)
                    .directory(root.toFile())
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            builder.environment().remove("PM2_HOME");
            builder.environment().putAll(environment);
            var process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new AssertionError("bin/turnstile " + String.join(" ", args) + " did not end within " + timeout
                        + "\n" + Files.readString(out) + Files.readString(err));
            }
            var result = new Result(
                    process.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** {@code status --json}, parsed. */
    JsonNode status() {
        var result = run(Duration.ofSeconds(60), "status", "--json");
        return JSON.readTree(result.stdout());
    }

    /** One service's line of {@code status --json}. */
    JsonNode service(String name) {
        for (var service : status().get("services")) {
            if (service.get("service").asString().equals(name)) {
                return service;
            }
        }
        throw new AssertionError("no service " + name + " in status");
    }

    /**
     * A work directory of the test's own under {@code target/} (failsafe runs in the module's directory): what a previous
     * run left there is stopped first ({@code bin/turnstile stop} on its data directory), then deleted. It stays after
     * the run, logs included, for a look after a failure; {@code mvn clean} removes it.
     */
    static Path freshWorkDirectory(String name, Map<String, String> environment) {
        var work = Path.of("target", name).toAbsolutePath();
        if (Files.isDirectory(work.resolve("data"))) {
            var previous = new TurnstileCommand(work.resolve("data"));
            environment.forEach(previous::env);
            previous.run(Duration.ofMinutes(3), "stop");
        }
        deleteTree(work);
        try {
            return Files.createDirectories(work);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes a directory with everything in it, if it is there. */
    static void deleteTree(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (var paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
