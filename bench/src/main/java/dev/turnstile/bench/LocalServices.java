package dev.turnstile.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The systems under test, started on loopback with free ports and temporary data, and stopped (with their data)
 * when closed. Every process runs in its own working directory and logs to a file there.
 */
final class LocalServices implements AutoCloseable {

    private final Path work;
    private final List<Process> processes = new ArrayList<>();

    LocalServices() throws IOException {
        this.work = Files.createTempDirectory("turnstile-bench-");
    }

    /** The all-in-one launcher (broker, processor, gateway) from {@code jar}; returns its base URL. */
    URI startTurnstile(Path jar) throws Exception {
        int http = freePort();
        var java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED"));
        // As bin/turnstile starts it: with the launcher's JVM options (its memory bounds), next to its module.
        var jvmOptions = jar.toAbsolutePath().getParent().resolveSibling("jvm.options");
        if (Files.isRegularFile(jvmOptions)) {
            command.add("@" + jvmOptions);
        }
        command.addAll(List.of("-jar", jar.toAbsolutePath().toString(),
                "--http-port=" + http, "--kafka-port=" + freePort(), "--controller-port=" + freePort(),
                "--data-dir=" + work.resolve("turnstile-data")));
        start("turnstile", command);
        var base = URI.create("http://127.0.0.1:" + http);
        awaitHttp(base.resolve("/api/health"), Duration.ofSeconds(120));
        return base;
    }

    /** A private PostgreSQL cluster (Debian's postgresql package) run as the postgres user; returns a JDBC URL. */
    String startPostgres() throws Exception {
        var bin = Files.list(Path.of("/usr/lib/postgresql"))
                .sorted(Comparator.reverseOrder())
                .map(dir -> dir.resolve("bin"))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("PostgreSQL is not installed: apt-get install postgresql"));
        var data = work.resolve("postgres");
        Files.createDirectories(data);
        run(List.of("chown", "-R", "postgres:postgres", work.toString()));
        run(List.of("chmod", "755", work.toString()));
        run(asPostgres(bin.resolve("initdb") + " -D " + data + " -A trust -U postgres --no-sync"));
        int port = freePort();
        // Kafka acknowledges from the page cache on one broker; synchronous_commit=off is the comparable setting.
        start("postgres", asPostgres(bin.resolve("postgres") + " -D " + data + " -p " + port
                + " -k " + data + " -c listen_addresses=127.0.0.1 -c synchronous_commit=off -c max_connections=300"));
        var url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try (var ignored = java.sql.DriverManager.getConnection(url, "postgres", "")) {
                return url;
            } catch (java.sql.SQLException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("PostgreSQL did not start; see " + work.resolve("postgres.log"), e);
                }
                Thread.sleep(200);
            }
        }
    }

    /** A single-member etcd (Debian's etcd-server package); returns its client URL. */
    URI startEtcd() throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin/etcd"))) {
            throw new IllegalStateException("etcd is not installed: apt-get install etcd-server");
        }
        int client = freePort();
        int peer = freePort();
        var clientUrl = "http://127.0.0.1:" + client;
        var peerUrl = "http://127.0.0.1:" + peer;
        start("etcd", List.of("/usr/bin/etcd", "--name", "bench", "--data-dir", work.resolve("etcd").toString(),
                "--listen-client-urls", clientUrl, "--advertise-client-urls", clientUrl,
                "--listen-peer-urls", peerUrl, "--initial-advertise-peer-urls", peerUrl,
                "--initial-cluster", "bench=" + peerUrl, "--log-level", "error"));
        var base = URI.create(clientUrl);
        awaitHttp(base.resolve("/health"), Duration.ofSeconds(30));
        return base;
    }

    private List<String> asPostgres(String command) {
        return List.of("runuser", "-u", "postgres", "--", "sh", "-c", command);
    }

    private void start(String name, List<String> command) throws IOException {
        var process = new ProcessBuilder(command)
                .directory(work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(work.resolve(name + ".log").toFile())
                .start();
        processes.add(process);
    }

    private void run(List<String> command) throws IOException, InterruptedException {
        var process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("setup.log").toFile())
                .start();
        if (process.waitFor() != 0) {
            throw new IllegalStateException("Failed: " + String.join(" ", command) + "; see " + work.resolve("setup.log"));
        }
    }

    private static void awaitHttp(URI uri, Duration timeout) throws InterruptedException {
        try (var http = HttpClient.newHttpClient()) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                try {
                    var response = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding());
                    if (response.statusCode() == 200) {
                        return;
                    }
                } catch (IOException e) {
                    // Not listening yet.
                }
                Thread.sleep(250);
            }
        }
        throw new IllegalStateException(uri + " did not answer 200 within " + timeout);
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        for (var process : processes.reversed()) {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            try {
                if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
        try (var paths = Files.walk(work)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            System.err.println("bench: could not delete " + work + ": " + e.getMessage());
        }
    }
}
