package dev.turnstile.gateway.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.MDC;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Keeps the MDC key {@value #REQUEST_ID} to the HTTP request that set it: the claim path puts the claim's request id
 * there once it knows it, so that every later log line of the request names it, and this filter removes it when the
 * request ends, so that the next request on the same thread does not inherit it.
 */
public final class RequestIdLogContext extends OncePerRequestFilter {

    /** The MDC key (and the JSON log field) of the request id. */
    public static final String REQUEST_ID = "requestId";

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
