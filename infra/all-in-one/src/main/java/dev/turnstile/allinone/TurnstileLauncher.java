package dev.turnstile.allinone;

import dev.turnstile.contracts.topic.ClaimTopics;
import dev.turnstile.dashboard.login.LocalDashboardLogin;
import dev.turnstile.gateway.health.CoordinatorHealth;
import dev.turnstile.kafka.local.ClaimTopicsProvisioner;
import dev.turnstile.kafka.local.LocalKafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/**
 * The local default: a real Kafka broker (data kept under {@code --data-dir}), the claim topics, the claim
 * processor, the gateway and the activity projections, in one process. Any further {@code --name=value} is passed to Spring as a property.
 */
@Command(
        name = "turnstile",
        mixinStandardHelpOptions = true,
        description =
                "Starts Turnstile locally: Kafka broker, claim processor, HTTP gateway, projections and dashboard.",
        footer = {
            "",
            "Any other --property=value is passed to Spring Boot, e.g. --turnstile.gateway.decision-timeout=10s.",
            "Data is kept across restarts; delete the data directory to start over.",
            "",
            "Exit codes: 1 failed to start; 2 bad options; "
                    + TurnstileLauncher.EXIT_DATA_DIRECTORY_IN_USE + " the data directory is in use by another"
                    + " instance; " + TurnstileLauncher.EXIT_BROKER_FAILED
                    + " the local broker failed (e.g. a full disk):"
                    + " free space, then start again."
        })
public final class TurnstileLauncher implements Callable<Integer> {

    /** Another process holds the data directory: nothing was touched. */
    static final int EXIT_DATA_DIRECTORY_IN_USE = 10;

    /** The in-process broker stopped (all its log directories failed, e.g. on a full disk); restart once fixed. */
    static final int EXIT_BROKER_FAILED = 11;

    private static final Logger log = LoggerFactory.getLogger(TurnstileLauncher.class);

    @Option(
            names = "--http-port",
            defaultValue = "8080",
            description = "HTTP port of the API (default: ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(
            names = "--kafka-port",
            defaultValue = "9092",
            description = "Client port of the local broker (default: ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(
            names = "--controller-port",
            defaultValue = "9093",
            description = "KRaft controller port of the local broker (default: ${DEFAULT-VALUE}).")
    int controllerPort;

    @Option(
            names = "--data-dir",
            defaultValue = ".data",
            description = "Where broker, processor and projection data live (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(
            names = "--kafka",
            description = "Use this Kafka cluster (bootstrap servers) instead of starting a local broker.")
    String externalKafka;

    @Unmatched
    List<String> springArguments = new ArrayList<>();

    private DataDirectoryLock lock;
    private ConfigurableApplicationContext context;
    private volatile LocalKafkaBroker broker;
    private LocalKafkaStart brokerStart;

    public static void main(String[] args) {
        var launcher = new TurnstileLauncher();
        int exit = new CommandLine(launcher).execute(args);
        if (exit != 0 || launcher.context == null) {
            System.exit(exit);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(launcher::shutdown, "turnstile-shutdown"));
    }

    @Override
    public Integer call() {
        var data = dataDir.toAbsolutePath().normalize();
        // Before anything touches the directory: a second instance formatting or starting a broker there kills the
        // first one's broker (its metadata log is truncated under it).
        try {
            lock = DataDirectoryLock.acquire(data);
        } catch (DataDirectoryLock.InUseException e) {
            System.err.println("turnstile: " + e.getMessage());
            return EXIT_DATA_DIRECTORY_IN_USE;
        }
        try {
            start(data);
        } catch (RuntimeException e) {
            shutdown();
            throw e;
        }
        return 0;
    }

    private void start(Path data) {
        String bootstrap;
        var initializers = new ArrayList<ApplicationContextInitializer<ConfigurableApplicationContext>>();
        if (externalKafka != null) {
            bootstrap = externalKafka;
            provisionTopics(bootstrap);
        } else if (kafkaPort != 0 && controllerPort != 0) {
            // Ports known up front: the broker starts (seconds, more after a crash) while Spring builds the
            // application, and the application's first Kafka client waits for it (see LocalKafkaStart).
            BrokerFailureExit.install(data, EXIT_BROKER_FAILED);
            bootstrap = LocalKafkaBroker.HOST + ":" + kafkaPort;
            brokerStart = LocalKafkaStart.begin(() -> startBroker(data));
            initializers.add(context -> context.getBeanFactory().registerSingleton("localKafkaStart", brokerStart));
        } else {
            BrokerFailureExit.install(data, EXIT_BROKER_FAILED);
            startBroker(data);
            bootstrap = broker.bootstrapServers();
        }
        var arguments = new ArrayList<>(springArguments);
        var properties = new ArrayList<>(List.of(
                "spring.kafka.bootstrap-servers=" + bootstrap,
                "server.port=" + httpPort,
                "turnstile.processor.state-dir=" + data.resolve("processor"),
                "turnstile.projections.state-dir=" + data.resolve("projections"),
                // Health, the claim guard and the disk metrics watch the disk that holds the data, not the working
                // directory's.
                "turnstile.gateway.data-dir=" + data,
                "management.metrics.system.diskspace.paths=" + data,
                // The same name at every start on this data directory: after a crash the processor takes its
                // partitions back at once instead of waiting for its dead self to time out of the group.
                "turnstile.processor.instance-id=" + processorInstanceId(data)));
        LocalDashboardLogin login = null;
        if (!LocalDashboardLogin.usersConfigured(springArguments, System.getenv())) {
            login = LocalDashboardLogin.loadOrCreate(data);
            properties.addAll(login.springProperties());
        }
        try {
            context = new SpringApplicationBuilder(TurnstileApplication.class)
                    .properties(properties.toArray(String[]::new))
                    .initializers(initializers.toArray(ApplicationContextInitializer[]::new))
                    .registerShutdownHook(false)
                    .run(arguments.toArray(String[]::new));
        } catch (RuntimeException e) {
            // The broker's own failure (a port in use, a foreign data directory) says more than Spring's wrapper.
            if (brokerStart != null) {
                brokerStart.failure().ifPresent(failure -> {
                    throw failure;
                });
            }
            throw e;
        }
        var ready = awaitReady(context.getBean(CoordinatorHealth.class), READY_WAIT);
        printWelcome(bootstrap, data, login, ready);
    }

    /** How long the launcher waits for a claim to be decidable before it says it runs degraded. */
    static final Duration READY_WAIT = Duration.ofSeconds(90);

    /**
     * Waits until a claim can be decided (the gateway's readiness: Kafka, the requests topic's leaders, the processor's
     * group stable, the decision reader, the disk), so that the banner never announces a service that answers 503.
     *
     * @return the last status: healthy, or why not after {@code wait}
     */
    static CoordinatorHealth.Status awaitReady(CoordinatorHealth health, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        long nextNote = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        var status = health.status();
        while (!status.healthy() && System.nanoTime() < deadline) {
            if (System.nanoTime() > nextNote) {
                log.info("Waiting until a claim can be decided: {}", status.error());
                nextNote = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            status = health.status();
        }
        return status;
    }

    /** Starts the local broker on {@code data} and makes sure the claim topics exist. */
    private LocalKafkaBroker startBroker(Path data) {
        broker = LocalKafkaBroker.builder()
                .dataDirectory(data.resolve("kafka"))
                .clientPort(kafkaPort)
                .controllerPort(controllerPort)
                .start();
        provisionTopics(broker.bootstrapServers());
        return broker;
    }

    private static void provisionTopics(String bootstrap) {
        try (var provisioner = ClaimTopicsProvisioner.connect(bootstrap)) {
            provisioner.ensureClaimTopics();
            provisioner.ensureJobTopics();
        }
    }

    /**
     * The processor's name in its consumer group: the same at every start on this data directory, and unlike any other
     * (a random id made on first start and kept in {@code <data-dir>/instance-id}).
     */
    static String processorInstanceId(Path data) {
        var file = data.resolve("instance-id");
        try {
            if (Files.isRegularFile(file)) {
                var kept = Files.readString(file).strip();
                if (!kept.isEmpty()) {
                    return kept;
                }
            }
            var made = "turnstile-" + UUID.randomUUID();
            Files.writeString(file, made + "\n");
            return made;
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Cannot read or write " + file + " (" + e.getMessage()
                            + "); check that the data directory is writable.",
                    e);
        }
    }

    /** The port the HTTP API listens on. */
    int httpPort() {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    /** A bean of the running application, for tests. */
    <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    /** Stops the services before the broker they use, then releases the data directory. */
    void shutdown() {
        log.info("Stopping Turnstile");
        if (context != null) {
            context.close();
        }
        if (brokerStart != null) {
            brokerStart.awaitSettled();
        }
        if (broker != null) {
            broker.close();
        }
        if (lock != null) {
            lock.close();
        }
    }

    private void printWelcome(String bootstrap, Path data, LocalDashboardLogin login, CoordinatorHealth.Status ready) {
        if (!ready.healthy()) {
            System.out.printf(
                    "%nTurnstile started DEGRADED: claims cannot be decided yet after %d s (%s). It keeps trying;"
                            + " GET /api/health says when it can. Remediation: check the log above for the cause.%n",
                    READY_WAIT.toSeconds(), ready.error());
        }
        var port = context.getEnvironment().getProperty("local.server.port", Integer.toString(httpPort));
        var base = "http://localhost:" + port;
        var topics = ClaimTopics.fromProperties(context.getEnvironment()::getProperty);
        System.out.printf(
                """

                Turnstile is running and ready for claims. Ctrl-C stops it.
                  Dashboard   %1$s/  %7$s
                  Claim API   POST %1$s/api/claim
                  Health      GET  %1$s/api/health
                  API docs    GET  %1$s/v3/api-docs (OpenAPI 3.1), %1$s/swagger-ui.html (no login)
                  Activity    GET  %1$s/api/stats, %1$s/api/attempts, %1$s/api/timeline (HTTP Basic: a dashboard user)
                  Work queues POST %1$s/api/queues/{queue}/jobs, …/claim-next; runs at %1$s/runs
                  Metrics     GET  %1$s/actuator/prometheus (HTTP Basic: a dashboard user)
                  Kafka       %2$s (topics %3$s, %4$s)%5$s
                  Data        %6$s (kept across restarts; delete it to start over)

                Try it:
                  curl -s -X POST %1$s/api/claim -H 'Content-Type: application/json' \\
                    -d '{"project":"hire","task":"convex-deploy","gitSha":"3f9c2ab","agentId":"agent-1"}'

                """,
                base,
                bootstrap,
                topics.requests().name(),
                topics.decisions().name(),
                broker == null ? "" : ", a local broker",
                data,
                login == null
                        ? "(sign in as a configured user)"
                        : "(sign in as " + login.user() + " / " + login.password() + ", kept in " + login.file() + ")");
    }
}
