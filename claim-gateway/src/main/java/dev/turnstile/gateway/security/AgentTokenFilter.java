package dev.turnstile.gateway.security;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * When agent tokens are configured, the claim and lease API answers only requests with
 * {@code Authorization: Bearer <token>} for one of them; others get 401 and nothing is written to Kafka.
 */
public final class AgentTokenFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(AgentTokenFilter.class);
    private static final String BEARER = "Bearer ";

    private final AgentTokens tokens;
    private final Counter missing;
    private final Counter wrong;

    public AgentTokenFilter(AgentTokens tokens, MeterRegistry meters) {
        this.tokens = tokens;
        this.missing = Counter.builder("turnstile.gateway.unauthorized").tag("reason", "missing_token")
                .description("Agent requests refused for lack of a bearer token").register(meters);
        this.wrong = Counter.builder("turnstile.gateway.unauthorized").tag("reason", "unknown_token")
                .description("Agent requests refused for an unknown bearer token").register(meters);
    }

    /** The agent-facing writes: claims and leases. Health and the activity queries have their own rules. */
    static boolean guards(String path) {
        return path.equals("/api/claim") || path.startsWith("/api/claim/") || path.startsWith("/api/lease");
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !tokens.required() || !guards(request.getRequestURI().substring(request.getContextPath().length()));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        var header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            missing.increment();
            refuse(response, "missing_token", "This coordinator requires an agent token: send Authorization: Bearer"
                    + " <token> (claimctl --agent-token or TURNSTILE_TOKEN)");
            return;
        }
        if (!tokens.accepts(header.substring(BEARER.length()).strip())) {
            wrong.increment();
            log.warn("Refused a {} {} from {}: unknown agent token", request.getMethod(), request.getRequestURI(),
                    request.getRemoteAddr());
            refuse(response, "unknown_token", "The agent token is not one this coordinator accepts; check"
                    + " turnstile.security.agent-tokens holds its sha256 digest");
            return;
        }
        chain.doFilter(request, response);
    }

    private static void refuse(HttpServletResponse response, String error, String message) throws IOException {
        response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"turnstile\"");
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter().write("{\"error\":\"" + error + "\",\"message\":\"" + message.replace("\"", "\\\"")
                + "\",\"violations\":[]}");
    }
}
