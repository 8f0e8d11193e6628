package dev.turnstile.gateway.config;

import jakarta.servlet.FilterChain;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The error page renders the failures of other requests; opened directly it has no failure to show and Spring Boot
 * answered 500 "status 999". A direct request for it is answered 404. Registered for the error path only, on plain
 * requests (not error dispatches), so no other request passes through it.
 */
final class ErrorPageGuard extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException {
        response.setStatus(HttpServletResponse.SC_NOT_FOUND);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter()
                .write("{\"error\":\"not_found\",\"message\":\"Nothing here: this path shows the errors of"
                        + " other requests\",\"violations\":[]}");
    }
}
