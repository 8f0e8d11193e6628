package dev.turnstile.gateway.security;

import dev.turnstile.contracts.http.Problem;
import dev.turnstile.contracts.http.ProblemType;
import dev.turnstile.gateway.logging.SampledLog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import tools.jackson.databind.json.JsonMapper;

/**
 * When agent tokens are configured, the handlers of {@link AgentApi} controllers run only for requests with
 * {@code Authorization: Bearer <token>} for one of them; others get 401 and nothing is written to Kafka.
 *
 * <p>Spring MVC calls this with the handler the request resolved to, after the path was decoded and normalised, so no
 * spelling of a claim or lease path gets past it. It costs one header lookup and a SHA-256 per agent request.
 */
public final class AgentTokenInterceptor implements HandlerInterceptor {

    private static final String BEARER = "Bearer ";
    private static final JsonMapper JSON = JsonMapper.shared();

    /** Whether a controller class is an agent API; looked up once per class. */
    private static final ClassValue<Boolean> GUARDED = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            return AnnotatedElementUtils.hasAnnotation(type, AgentApi.class);
        }
    };

    private final AgentTokens tokens;
    private final Counter missing;
    private final Counter wrong;
    private final SampledLog refusals;

    public AgentTokenInterceptor(AgentTokens tokens, MeterRegistry meters) {
        this.tokens = tokens;
        this.missing = Counter.builder("turnstile.gateway.unauthorized")
                .tag("reason", "missing_token")
                .description("Agent requests refused for lack of a bearer token")
                .register(meters);
        this.wrong = Counter.builder("turnstile.gateway.unauthorized")
                .tag("reason", "unknown_token")
                .description("Agent requests refused for an unknown bearer token")
                .register(meters);
        this.refusals = new SampledLog(LoggerFactory.getLogger(AgentTokenInterceptor.class), Duration.ofMinutes(1));
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
            throws IOException {
        // An asynchronous dispatch resumes a request that was checked when it arrived.
        if (!tokens.required()
                || request.getDispatcherType() == DispatcherType.ASYNC
                || !(handler instanceof HandlerMethod method)
                || !GUARDED.get(method.getBeanType())) {
            return true;
        }
        var header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            missing.increment();
            refuse(
                    request,
                    response,
                    ProblemType.MISSING_TOKEN,
                    "This coordinator requires an agent token: send Authorization:"
                            + " Bearer <token> (claimctl --agent-token or TURNSTILE_TOKEN)");
            return false;
        }
        if (!tokens.accepts(header.substring(BEARER.length()).strip())) {
            wrong.increment();
            refuse(
                    request,
                    response,
                    ProblemType.UNKNOWN_TOKEN,
                    "The agent token is not one this coordinator accepts; check"
                            + " turnstile.security.agent-tokens holds its sha256 digest");
            return false;
        }
        return true;
    }

    private void refuse(HttpServletRequest request, HttpServletResponse response, ProblemType error, String message)
            throws IOException {
        refusals.warn(() -> "Refused a " + request.getMethod() + " " + request.getRequestURI() + " from "
                + request.getRemoteAddr() + " (" + error.code()
                + "): answered 401, nothing written. Agents need a token"
                + " whose digest is in turnstile.security.agent-tokens; refusals are counted in"
                + " turnstile.gateway.unauthorized");
        response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"turnstile\"");
        response.setContentType(Problem.MEDIA_TYPE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter()
                .write(JSON.writeValueAsString(Problem.of(error, message).at(request.getRequestURI())));
    }
}
