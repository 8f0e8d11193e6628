package dev.turnstile.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One peer's processes, started on loopback with free ports, temporary data and the systems' CPUs (see {@link
 * Pinning}), and stopped with their data when closed, so that no peer runs while another is measured. Logs go to
 * {@code logs}, kept with the results.
 */
final class LocalServices implements AutoCloseable {

    private static final Duration JVM_START = Duration.ofMinutes(3);

    private final Pinning pinning;
    private final Path logs;
    private final String logPrefix;
    private final Path work;
    private final List<Process> processes = new ArrayList<>();
    private Process main;
    private URI turnstileUrl;
    private String kafkaBootstrap;

    /**
     * @param logs where the processes' logs go
     * @param logPrefix the peer's name, prefixed to its logs' names
     */
    LocalServices(Pinning pinning, Path logs, String logPrefix) throws IOException {
        this.pinning = pinning;
        this.logs = Files.createDirectories(logs);
        this.logPrefix = logPrefix;
        this.work = Files.createTempDirectory("turnstile-bench-");
    }

    /** The all-in-one (broker, processor, gateway, projections, dashboard) from {@code jar}; returns its base URL. */
    URI startTurnstile(Path jar, List<String> jvmOptions, List<String> arguments) throws Exception {
        int http = freePort();
        int kafka = freePort();
        var command = new ArrayList<>(List.of(java()));
        // As bin/turnstile starts it: with the launcher's JVM options (its memory bounds), next to its module.
        launcherOptions(jar).ifPresent(options -> command.add("@" + options));
        command.addAll(jvmOptions);
        command.addAll(List.of(
                "--enable-native-access=ALL-UNNAMED",
                "-jar",
                copy(jar).toString(),
                "--http-port=" + http,
                "--kafka-port=" + kafka,
                "--controller-port=" + freePort(),
                "--data-dir=" + work.resolve("turnstile-data")));
        command.addAll(arguments);
        main = start("turnstile", command);
        var base = URI.create("http://127.0.0.1:" + http);
        awaitHealthy(base.resolve("/api/health"), JVM_START, main, "turnstile");
        turnstileUrl = base;
        kafkaBootstrap = "127.0.0.1:" + kafka;
        return base;
    }

    /** The launcher's JVM options file beside the all-in-one's module ({@code infra/all-in-one/jvm.options}), if any. */
    static Optional<Path> launcherOptions(Path jar) {
        var options = jar.toAbsolutePath().getParent().resolveSibling("jvm.options");
        return Files.isRegularFile(options) ? Optional.of(options) : Optional.empty();
    }

    /** The PostgreSQL claim service from {@code jar}, over the database at {@code jdbcUrl}; returns its base URL. */
    URI startPostgresService(Path jar, String jdbcUrl, int poolSize, List<String> jvmOptions) throws Exception {
        int http = freePort();
        var command = new ArrayList<>(List.of(java()));
        command.addAll(jvmOptions);
        command.addAll(List.of(
                "-jar",
                copy(jar).toString(),
                "--server.port=" + http,
                "--spring.datasource.url=" + jdbcUrl,
                "--spring.datasource.hikari.maximum-pool-size=" + poolSize));
        main = start("postgres-service", command);
        var base = URI.create("http://127.0.0.1:" + http);
        awaitHealthy(base.resolve("/api/health"), JVM_START, main, "postgres-service");
        return base;
    }

    /**
     * A private PostgreSQL cluster from Debian's {@code postgresql} package (run as the {@code postgres} user when the
     * benchmark runs as root), with {@code synchronous_commit=off}; returns a JDBC URL.
     */
    String startPostgres() throws Exception {
        Path bin;
        try (var versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            bin = versions.sorted(Comparator.reverseOrder())
                    .map(dir -> dir.resolve("bin"))
                    .filter(dir -> Files.isExecutable(dir.resolve("postgres")))
                    .findFirst()
                    .orElseThrow();
        } catch (IOException | java.util.NoSuchElementException e) {
            throw new IllegalStateException(
                    "PostgreSQL is not installed (no /usr/lib/postgresql/<version>/bin/postgres):"
                            + " install it with 'apt-get install postgresql' (bin/bench does this when it may), or leave out"
                            + " the postgres and postgres-service peers (e.g. --peers turnstile,etcd)");
        }
        var data = work.resolve("postgres");
        Files.createDirectories(data);
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            // PostgreSQL refuses to run as root.
            run(List.of("chown", "-R", "postgres:postgres", work.toString()));
            run(List.of("chmod", "755", work.toString()));
        }
        run(asPostgres(root, bin.resolve("initdb") + " -D " + data + " -A trust -U postgres --no-sync"));
        int port = freePort();
        // Kafka acknowledges from the page cache on one broker; synchronous_commit=off is the comparable setting.
        var postgres = start(
                "postgres",
                asPostgres(
                        root,
                        "exec " + bin.resolve("postgres") + " -D " + data + " -p " + port + " -k " + data
                                + " -c listen_addresses=127.0.0.1 -c synchronous_commit=off -c max_connections=300"));
        var url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try (var connection = DriverManager.getConnection(url, "postgres", "")) {
                // Answering a query, not just accepting the connection: the server is up.
                connection.isValid(5);
                return url;
            } catch (SQLException e) {
                if (!postgres.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("PostgreSQL did not start: " + e.getMessage() + "; see "
                            + log("postgres") + tail(log("postgres")));
                }
                Thread.sleep(200);
            }
        }
    }

    /** A single-member etcd (Debian's {@code etcd-server} package); returns its client URL. */
    URI startEtcd() throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin/etcd"))) {
            throw new IllegalStateException("etcd is not installed (no /usr/bin/etcd): install it with 'apt-get install"
                    + " etcd-server' (bin/bench does this when it may), or leave out the etcd peer");
        }
        int client = freePort();
        int peer = freePort();
        var clientUrl = "http://127.0.0.1:" + client;
        var peerUrl = "http://127.0.0.1:" + peer;
        var etcd = start(
                "etcd",
                List.of(
                        "/usr/bin/etcd",
                        "--name",
                        "bench",
                        "--data-dir",
                        work.resolve("etcd").toString(),
                        "--listen-client-urls",
                        clientUrl,
                        "--advertise-client-urls",
                        clientUrl,
                        "--listen-peer-urls",
                        peerUrl,
                        "--initial-advertise-peer-urls",
                        peerUrl,
                        "--initial-cluster",
                        "bench=" + peerUrl,
                        "--log-level",
                        "error"));
        var base = URI.create(clientUrl);
        awaitHealthy(base.resolve("/health"), Duration.ofSeconds(30), etcd, "etcd");
        return base;
    }

    /**
     * A private Redis from Debian's {@code redis-server} package on loopback, appending every write to its log and
     * syncing it once a second ({@code appendfsync everysec}: acknowledged from the page cache, as Kafka on one broker
     * and PostgreSQL with {@code synchronous_commit=off} are); returns its port.
     */
    int startRedis() throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin/redis-server"))) {
            throw new IllegalStateException(
                    "Redis is not installed (no /usr/bin/redis-server): install it with"
                            + " 'apt-get install redis-server' (bin/bench does this when it may), or leave out the bullmq peer");
        }
        int port = freePort();
        var dir = Files.createDirectories(work.resolve("redis"));
        var redis = start(
                "redis",
                List.of(
                        "/usr/bin/redis-server",
                        "--port",
                        Integer.toString(port),
                        "--bind",
                        "127.0.0.1",
                        "--dir",
                        dir.toString(),
                        "--save",
                        "",
                        "--appendonly",
                        "yes",
                        "--appendfsync",
                        "everysec",
                        "--protected-mode",
                        "no",
                        "--daemonize",
                        "no"));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try (var socket = new java.net.Socket("127.0.0.1", port)) {
                socket.getOutputStream().write("PING\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                var answer = new byte[7];
                if (socket.getInputStream().readNBytes(answer, 0, 7) == 7 && new String(answer).startsWith("+PONG")) {
                    return port;
                }
            } catch (IOException e) {
                // Not listening yet.
            }
            if (!redis.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("Redis did not start; see " + log("redis") + tail(log("redis")));
            }
            Thread.sleep(100);
        }
    }

    /** The all-in-one's HTTP API, once started. */
    URI turnstileUrl() {
        return turnstileUrl;
    }

    /** The all-in-one's broker, once started. */
    String kafkaBootstrap() {
        return kafkaBootstrap;
    }

    /** The JVM under test (Turnstile's all-in-one or the PostgreSQL service), or -1 when there is none. */
    long mainPid() {
        return main == null ? -1 : main.pid();
    }

    /** Every process started here and their children. */
    ProcessStats stats() {
        return new ProcessStats(processes.stream().map(Process::toHandle).toList());
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** A copy of the jar to run, so that a rebuild during a long run does not pull it from under the JVM. */
    private Path copy(Path jar) throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " does not exist: build it with ./mvnw -B package -DskipTests"
                    + " -pl infra/all-in-one,bench -am (bin/bench builds it when needed)");
        }
        return Files.copy(jar, work.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
    }

    private static List<String> asPostgres(boolean root, String command) {
        return root ? List.of("runuser", "-u", "postgres", "--", "sh", "-c", command) : List.of("sh", "-c", command);
    }

    private Path log(String name) {
        return logs.resolve(logPrefix + "-" + name + ".log");
    }

    private Process start(String name, List<String> command) throws IOException {
        var process = new ProcessBuilder(pinning.forSystem(command))
                .directory(work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log(name).toFile())
                .start();
        processes.add(process);
        return process;
    }

    private void run(List<String> command) throws IOException, InterruptedException {
        var setup = log("setup");
        var process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(setup.toFile()))
                .start();
        if (process.waitFor() != 0) {
            throw new IllegalStateException("Failed: " + String.join(" ", command) + "; see " + setup + tail(setup));
        }
    }

    private void awaitHealthy(URI uri, Duration timeout, Process process, String name) throws InterruptedException {
        try (var http = HttpClient.newHttpClient()) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline && process.isAlive()) {
                try {
                    var response =
                            http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding());
                    if (response.statusCode() == 200) {
                        return;
                    }
                } catch (IOException e) {
                    // Not listening yet.
                }
                Thread.sleep(250);
            }
        }
        var why = process.isAlive()
                ? "did not answer 200 at " + uri + " within " + timeout
                : "exited with code " + process.exitValue() + " while starting";
        throw new IllegalStateException(name + " " + why + "; see " + log(name) + tail(log(name)));
    }

    /** The last lines of a log, for an error message. */
    private static String tail(Path log) {
        try {
            var lines = Files.readAllLines(log);
            return lines.isEmpty()
                    ? ""
                    : ":\n  " + String.join("\n  ", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        for (var process : processes.reversed()) {
            var children = process.descendants().toList();
            process.destroy();
            children.forEach(ProcessHandle::destroy);
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
                for (var child : children) {
                    child.onExit().get(30, TimeUnit.SECONDS);
                }
            } catch (Exception e) {
                process.destroyForcibly();
                children.forEach(ProcessHandle::destroyForcibly);
            }
        }
        try (var paths = Files.walk(work)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            System.err.println("bench: could not delete " + work + ": " + e.getMessage());
        }
    }
}
