package dev.turnstile.gateway.web;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.coyote.AbstractProcessor;
import org.apache.coyote.Request;
import org.apache.coyote.http11.Http11NioProtocol;
import org.apache.tomcat.util.net.SocketWrapperBase;

/**
 * Tomcat's HTTP/1.1 NIO protocol plus a view of its open connections and of the request each one is reading or
 * serving, which the slow-request guard and the shutdown drain need (Tomcat keeps its endpoint protected). Spring
 * Boot creates it by class name; see {@link WebConfiguration}.
 */
public class GatewayHttpProtocol extends Http11NioProtocol {

    /**
     * An open connection.
     *
     * @param socket the connection
     * @param request the HTTP/1.1 request it is reading or serving; null while it is idle between requests, or
     *     upgraded (a WebSocket)
     * @param async whether that request is asynchronous (its answer is waited for outside a request thread)
     */
    record Connection(SocketWrapperBase<?> socket, Request request, boolean async) {}

    private volatile Runnable everySecond;
    private ScheduledFuture<?> scheduled;

    /** Runs {@code task} every second on Tomcat's utility thread while the connector runs. */
    void runEverySecond(Runnable task) {
        this.everySecond = task;
    }

    /** The open connections now. */
    List<Connection> connections() {
        var connections = new ArrayList<Connection>();
        for (var socket : getEndpoint().getConnections()) {
            // Set while a request is being read or served; Tomcat releases it between keep-alive requests.
            var processor = socket.getCurrentProcessor();
            if (processor instanceof AbstractProcessor http && !http.isUpgrade()) {
                connections.add(new Connection(socket, http.getRequest(), http.isAsync()));
            } else {
                connections.add(new Connection(socket, null, false));
            }
        }
        return connections;
    }

    /** Stops accepting connections; those already open are served on. */
    void stopAccepting() {
        closeServerSocketGraceful();
    }

    @Override
    public void start() throws Exception {
        super.start();
        var task = everySecond;
        if (task != null) {
            scheduled = getUtilityExecutor().scheduleWithFixedDelay(task, 1, 1, TimeUnit.SECONDS);
        }
    }

    @Override
    public void stop() throws Exception {
        if (scheduled != null) {
            scheduled.cancel(false);
        }
        super.stop();
    }
}
