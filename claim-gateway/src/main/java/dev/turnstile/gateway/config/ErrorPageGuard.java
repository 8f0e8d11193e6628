package dev.turnstile.gateway.config;

import dev.turnstile.contracts.http.Problem;
import dev.turnstile.contracts.http.ProblemType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

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
        response.setContentType(Problem.MEDIA_TYPE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        var problem = Problem.of(ProblemType.NOT_FOUND, "Nothing here: this path shows the errors of other requests")
                .at(request.getRequestURI());
        response.getWriter().write(JsonMapper.shared().writeValueAsString(problem));
    }
}
