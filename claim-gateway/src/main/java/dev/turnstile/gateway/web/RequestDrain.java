package dev.turnstile.gateway.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Shutdown without dropping a request. On stop, before the web server's own graceful shutdown and long before the
 * decision listener and the Kafka producer stop, this
 * <ol>
 *   <li>stops accepting connections, so a new one is refused cleanly (the agent retries elsewhere or later);
 *   <li>answers every request that is being read or served, and any that arrives on an open connection meanwhile,
 *       with {@code Connection: close}, so each client hangs up after its answer instead of sending another request
 *       into a closing socket;
 *   <li>ends waits that could last a minute (outcome long polls answer with what is known now);
 *   <li>waits until no request is in progress on any connection, up to {@code timeout}.
 * </ol>
 * Tomcat's graceful shutdown alone pauses the connector: a request arriving on a kept-alive connection after that
 * was dropped without an answer.
 */
public final class RequestDrain extends OncePerRequestFilter implements SmartLifecycle {

    /** Something that holds requests open and can let them go (outcome long polls). */
    @FunctionalInterface
    public interface Participant {
        /** Answers what is waiting, and waits no more from now on. */
        void stopWaiting();
    }

    private static final Logger log = LoggerFactory.getLogger(RequestDrain.class);

    private final AtomicReference<GatewayHttpProtocol> protocol = new AtomicReference<>();
    private final List<Participant> participants;
    private final Duration timeout;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger answeredWhileDraining = new AtomicInteger();
    private volatile boolean draining;
    private volatile boolean running;

    RequestDrain(List<Participant> participants, Duration timeout) {
        this.participants = List.copyOf(participants);
        this.timeout = timeout;
    }

    /** The server's protocol, once Tomcat has made it; without it only requests in servlets are waited for. */
    void use(GatewayHttpProtocol created) {
        protocol.set(created);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        inFlight.incrementAndGet();
        try {
            if (draining) {
                response.setHeader(HttpHeaders.CONNECTION, "close");
                answeredWhileDraining.incrementAndGet();
            }
            chain.doFilter(request, response);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        long started = System.nanoTime();
        draining = true;
        var server = protocol.get();
        if (server != null) {
            server.stopAccepting();
        }
        participants.forEach(Participant::stopWaiting);
        long deadline = started + timeout.toNanos();
        int busy;
        while ((busy = busy(server)) > 0 && System.nanoTime() < deadline) {
            pause();
        }
        long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
        if (busy > 0) {
            log.warn(
                    "Stopped waiting for {} request(s) still in progress after {} ms"
                            + " (turnstile.gateway.drain-timeout); they are cut off now and their agents retry.",
                    busy,
                    millis);
        } else {
            log.info(
                    "Drained the HTTP server in {} ms ({} request(s) answered with Connection: close meanwhile);"
                            + " stopping the web server, then the decision listener and Kafka clients",
                    millis,
                    answeredWhileDraining.get());
        }
        running = false;
    }

    /**
     * Requests in progress: in a servlet (counted by the filter), or on a connection between a servlet's turns
     * (headers still arriving, an asynchronous answer pending), where Tomcat keeps the request's processor.
     */
    private int busy(GatewayHttpProtocol server) {
        int busy = inFlight.get();
        if (server != null) {
            for (var connection : server.connections()) {
                if (connection.request() != null) {
                    busy++;
                }
            }
        }
        return busy;
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Whether shutdown has begun: new requests are answered with {@code Connection: close}. */
    public boolean isDraining() {
        return draining;
    }

    @Override
    public int getPhase() {
        // Stopped before the web server's graceful shutdown (which pauses the connector), and so before the web
        // server, the decision listener (START_STOP_LIFECYCLE_PHASE - 1024) and the processor stop.
        return WebServerApplicationContext.GRACEFUL_SHUTDOWN_PHASE + 512;
    }
}
