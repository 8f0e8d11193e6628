package dev.turnstile.gateway.web;

import dev.turnstile.gateway.web.SlowRequests.Phase;
import org.apache.coyote.Constants;
import org.apache.coyote.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.util.StringUtils;

/**
 * The read deadline for headers. Tomcat has only per-read timeouts, so a client sending a header byte every few
 * seconds kept its connection for as long as it liked. Run every second, this closes connections whose request line
 * and headers have not all arrived {@link SlowRequests#deadline()} after their first byte. (Once the headers are in,
 * the application reads the body against the same deadline: see {@link RequestDeadline}.)
 */
final class SlowRequestGuard implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(SlowRequestGuard.class);

    private final GatewayHttpProtocol protocol;
    private final SlowRequests slowRequests;

    SlowRequestGuard(GatewayHttpProtocol protocol, SlowRequests slowRequests) {
        this.protocol = protocol;
        this.slowRequests = slowRequests;
    }

    @Override
    public void run() {
        try {
            sweep(System.nanoTime());
            slowRequests.logIfDue();
        } catch (RuntimeException e) {
            // Tomcat's scheduler would stop calling us after an exception: log and carry on next second.
            log.warn("Checking connections for slow requests failed; checking again in a second", e);
        }
    }

    private void sweep(long now) {
        long deadline = slowRequests.deadline().toNanos();
        for (var connection : protocol.connections()) {
            var request = connection.request();
            if (request == null || connection.async() || !waitingForHeaders(request)) {
                continue;
            }
            long started = request.getStartTimeNanos();
            if (started < 0 || now - started < deadline) {
                continue;
            }
            var socket = connection.socket();
            var client = socket.getRemoteAddr();
            // Under the connection's lock, which a thread parsing a byte that just came in holds: then next second.
            var lock = socket.getLock();
            if (lock.tryLock()) {
                try {
                    if (!socket.isClosed()) {
                        // Counted before the close: whoever sees the connection end sees it counted.
                        slowRequests.cutOff(Phase.HEADERS, StringUtils.hasText(client) ? client : "an unknown address");
                        socket.close();
                    }
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    /**
     * Between reads of an unfinished request line or headers, Tomcat keeps the request's processor on the connection
     * with the stage it had: NEW, PARSE, or ENDED from the connection's previous request (PREPARE to KEEPALIVE
     * follow complete headers; while a request is served, the processor is off the connection).
     */
    private static boolean waitingForHeaders(Request request) {
        int stage = request.getRequestProcessor().getStage();
        return stage == Constants.STAGE_NEW || stage == Constants.STAGE_PARSE || stage == Constants.STAGE_ENDED;
    }
}
