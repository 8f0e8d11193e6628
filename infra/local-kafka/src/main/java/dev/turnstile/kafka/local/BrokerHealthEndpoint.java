package dev.turnstile.kafka.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * {@code GET /health} of a broker run as its own process: 200 {@code {"status":"UP",...}} when this node answers a
 * Kafka client, is registered in its cluster, the cluster has as many brokers as the topics' replication factor needs
 * to accept writes ({@code min.insync.replicas}), and the topics exist; 503 {@code {"status":"DOWN","error":...}}
 * otherwise. A paused process (SIGSTOP) does not answer at all, which a probe with a timeout reads as down: the same
 * as what its clients see. Probes are cached for a second.
 */
final class BrokerHealthEndpoint implements AutoCloseable {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(BrokerHealthEndpoint.class);

    private static final Duration CACHE = Duration.ofSeconds(1);

    private final LocalKafkaBroker broker;
    private final int minBrokers;
    private final HttpServer server;
    private volatile Admin admin;
    private volatile boolean topicsReady;
    private volatile long checkedAt;
    private volatile String lastBody;
    private volatile int lastStatus;

    private BrokerHealthEndpoint(LocalKafkaBroker broker, int minBrokers, HttpServer server) {
        this.broker = broker;
        this.minBrokers = minBrokers;
        this.server = server;
    }

    /** Listens on 127.0.0.1:{@code port} before the broker starts (answering 503 until it is ready). */
    static BrokerHealthEndpoint start(LocalKafkaBroker broker, int port, short replicationFactor) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(LocalKafkaBroker.HOST, port), 16);
        } catch (IOException e) {
            throw new LocalKafkaException(
                    "Health port " + port + " on " + LocalKafkaBroker.HOST + " is not available ("
                            + e.getMessage() + "). Stop the process holding it (`ss -ltnp 'sport = :" + port
                            + "'` shows it)"
                            + " or choose another --health-port.",
                    e);
        }
        var endpoint = new BrokerHealthEndpoint(broker, Math.min(2, (int) replicationFactor), server);
        server.createContext("/health", endpoint::handle);
        server.setExecutor(Executors.newSingleThreadExecutor(runnable -> {
            var thread = new Thread(runnable, "broker-health");
            thread.setDaemon(true);
            // Kafka loads its client classes through the context class loader: the application's, in a packaged jar.
            thread.setContextClassLoader(BrokerHealthEndpoint.class.getClassLoader());
            return thread;
        }));
        server.start();
        return endpoint;
    }

    /** The claim and job topics exist: from now on the node may report UP. */
    void topicsReady() {
        topicsReady = true;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (System.nanoTime() - checkedAt > CACHE.toNanos() || lastBody == null) {
                try {
                    probe();
                } catch (RuntimeException e) {
                    log.warn("The health probe failed unexpectedly; answering 503", e);
                    lastStatus = 503;
                    lastBody = "{\"status\":\"DOWN\",\"error\":\""
                            + String.valueOf(e).replace("\"", "'") + "\"}";
                }
            }
            var body = lastBody.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(lastStatus, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    private synchronized void probe() {
        String error = null;
        int brokers = 0;
        if (!broker.isRunning()) {
            error = "the broker is starting (or stopping)";
        } else {
            try {
                brokers = admin().describeCluster(new DescribeClusterOptions().timeoutMs(1500))
                        .nodes()
                        .get(2, TimeUnit.SECONDS)
                        .size();
                if (brokers < minBrokers) {
                    error = brokers + " brokers registered, fewer than the " + minBrokers
                            + " in-sync replicas a write needs";
                } else if (!topicsReady) {
                    error = "the topics are being created";
                }
            } catch (ExecutionException | TimeoutException e) {
                error = "the broker does not answer a client: " + e.getMessage();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                error = "interrupted";
            }
        }
        lastStatus = error == null ? 200 : 503;
        lastBody = error == null
                ? "{\"status\":\"UP\",\"brokers\":" + brokers + "}"
                : "{\"status\":\"DOWN\",\"brokers\":" + brokers + ",\"error\":\"" + error.replace("\"", "'") + "\"}";
        checkedAt = System.nanoTime();
    }

    private Admin admin() {
        if (admin == null) {
            var config = new Properties();
            config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            config.put(AdminClientConfig.CLIENT_ID_CONFIG, "local-kafka-health");
            config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 1500);
            admin = Admin.create(config);
        }
        return admin;
    }

    @Override
    public void close() {
        server.stop(0);
        if (admin != null) {
            admin.close(Duration.ofSeconds(1));
        }
    }
}
