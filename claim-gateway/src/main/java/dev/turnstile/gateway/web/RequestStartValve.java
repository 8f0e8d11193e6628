package dev.turnstile.gateway.web;

import jakarta.servlet.ServletException;
import java.io.IOException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.apache.coyote.ActionCode;

/**
 * The Tomcat side of the body's read deadline. Before the application: tells it when the request's first byte
 * arrived (Tomcat knows; the servlet API does not), as {@link RequestDeadline#STARTED_NANOS}. After it: when it gave up
 * on a body ({@link RequestDeadline#abandonBody}), stops Tomcat from reading the rest after the answer (it would wait
 * for every trickled byte) and closes the connection instead.
 */
final class RequestStartValve extends ValveBase {

    RequestStartValve() {
        super(true);
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        long started = request.getCoyoteRequest().getStartTimeNanos();
        if (started >= 0) {
            request.setAttribute(RequestDeadline.STARTED_NANOS, started);
        }
        getNext().invoke(request, response);
        if (request.getAttribute(RequestDeadline.ABANDONED) != null) {
            request.getCoyoteRequest().action(ActionCode.DISABLE_SWALLOW_INPUT, null);
        }
    }
}
