package dev.turnstile.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
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
        String output() {
            return stdout + stderr;
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path root = Path.of(System.getProperty("turnstile.root", "../..")).toAbsolutePath().normalize();
    private final Path dataDir;
    private final Map<String, String> environment = new HashMap<>();

    TurnstileCommand(Path dataDir) {
        this.dataDir = dataDir;
        environment.put("TURNSTILE_SKIP_BUILD", "1");
        environment.put("TURNSTILE_DIST_ROOT", root.resolve("infra/cluster/target/dist").toString());
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
            var builder = new ProcessBuilder(command).directory(root.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().remove("PM2_HOME");
            builder.environment().putAll(environment);
            var process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new AssertionError("bin/turnstile " + String.join(" ", args) + " did not end within " + timeout
                        + "\n" + Files.readString(out) + Files.readString(err));
            }
            var result = new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
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

    /** A base port whose next {@code count} ports are all free on 127.0.0.1. */
    static int freePortRange(int count) {
        for (int attempt = 0; attempt < 200; attempt++) {
            int base = 20000 + ThreadLocalRandom.current().nextInt(2000) * 10;
            if (allFree(base, count)) {
                return base;
            }
        }
        throw new IllegalStateException("no free range of " + count + " ports found");
    }

    private static boolean allFree(int base, int count) {
        for (int port = base; port < base + count; port++) {
            try (var socket = new ServerSocket()) {
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress("127.0.0.1", port));
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }
}
