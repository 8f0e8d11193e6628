package dev.turnstile.projections.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;

/**
 * How the JSON APIs that take HTTP Basic answer a request without a valid sign-in, in the gateway's error shape: 401
 * with a Basic challenge, or 429 with {@code Retry-After} when the sign-in was throttled
 * ({@link TooManySignInAttemptsException}).
 */
public final class ApiAuthenticationEntryPoint implements AuthenticationEntryPoint {

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException failure)
            throws IOException {
        if (failure instanceof TooManySignInAttemptsException throttled) {
            response.setStatus(429);
            response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(throttled.retryAfterSeconds()));
            write(response, "too_many_sign_in_attempts", throttled.getMessage());
            return;
        }
        response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"Turnstile\"");
        write(
                response,
                "unauthorized",
                failure instanceof BadCredentialsException
                        ? "Wrong user name or password. Repeated wrong passwords are throttled."
                        : SignedInUserInterceptor.NEEDS_A_USER);
    }

    private static void write(HttpServletResponse response, String error, String message) throws IOException {
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter()
                .write("{\"error\":\"" + error + "\",\"message\":\""
                        + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\",\"violations\":[]}");
    }
}
