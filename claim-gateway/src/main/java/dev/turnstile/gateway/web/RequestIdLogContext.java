package dev.turnstile.gateway.web;

import io.micrometer.observation.ObservationRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.MDC;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Keeps the MDC key {@value #REQUEST_ID} to the HTTP request that set it: the claim and job paths put the request id
 * there once they know it ({@link #attach}), so that every later log line of the request names it beside its trace id,
 * and this filter removes it when the request ends, so that the next request on the same thread does not inherit it.
 */
public final class RequestIdLogContext extends OncePerRequestFilter {

    /** The MDC key (and the JSON log field) of the request id. */
    public static final String REQUEST_ID = "requestId";

    /** The key of the request id on the HTTP request's observation, so on its span: {@value}. */
    public static final String TRACE_KEY = "turnstile.request_id";

    /**
     * Names the request this thread serves: in the MDC (so in every later log line of it) and on the HTTP request's
     * observation (so on its trace), where tracing is on.
     */
    public static void attach(String requestId, ObservationRegistry observations) {
        MDC.put(REQUEST_ID, requestId);
        var current = observations.getCurrentObservation();
        if (current != null) {
            current.highCardinalityKeyValue(TRACE_KEY, requestId);
        }
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            chain.doFilter(request, response);
        } finally {
            MDC.remove(REQUEST_ID);
        }
    }
}
