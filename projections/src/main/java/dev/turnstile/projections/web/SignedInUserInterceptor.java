package dev.turnstile.projections.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * The activity API answers only a signed-in user ({@link HttpServletRequest#getUserPrincipal()}), whatever security
 * the application has: with Spring Security, {@link ActivityApiSecurityAutoConfiguration} signs the user in; without
 * it nobody is, and every query is refused. Attached to the handlers, so no spelling of a path gets past it.
 */
final class SignedInUserInterceptor implements HandlerInterceptor {

    static final String NEEDS_A_USER = "The activity API needs a signed-in user: send the HTTP Basic credentials of a"
            + " dashboard user (curl -u name:password …) or use the dashboard's session";

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
            throws IOException {
        if (!(handler instanceof HandlerMethod method)
                || method.getBeanType() != ActivityController.class
                || request.getUserPrincipal() != null) {
            return true;
        }
        response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"Turnstile\"");
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter()
                .write("{\"error\":\"unauthorized\",\"message\":\"" + NEEDS_A_USER + "\",\"violations\":[]}");
        return false;
    }
}
