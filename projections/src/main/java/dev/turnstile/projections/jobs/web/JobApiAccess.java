package dev.turnstile.projections.jobs.web;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Who may use the job API, checked on its handlers whatever security the application has (so no spelling of a path
 * gets past it): reads and live streams need a signed-in user; operator requests a user with the
 * {@value #OPERATOR_ROLE} role. With Spring Security, {@link JobApiSecurityAutoConfiguration} signs users in and
 * applies the same rules first; without it nobody is signed in and every request is refused.
 */
public final class JobApiAccess implements HandlerInterceptor {

    /** The role of users who may act on jobs and queues (Spring Security's {@code ROLE_OPERATOR}). */
    public static final String OPERATOR_ROLE = "OPERATOR";

    static final String NEEDS_A_USER = "The job API needs a signed-in user: send the HTTP Basic credentials of a"
            + " dashboard user (curl -u name:password …) or use the dashboard's session";

    static final String NEEDS_AN_OPERATOR = "Cancel, retry, delete, pause, resume, settings and clean need a user with"
            + " the OPERATOR role (turnstile.dashboard.users.<name>.roles=OPERATOR); this user may only read";

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
            throws IOException {
        if (request.getDispatcherType() == DispatcherType.ASYNC || !(handler instanceof HandlerMethod method)) {
            return true;
        }
        var type = method.getBeanType();
        boolean operator = type == JobOperatorController.class;
        if (!operator && type != JobQueryController.class && type != JobStreamController.class) {
            return true;
        }
        if (request.getUserPrincipal() == null) {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"Turnstile\"");
            refuse(response, HttpServletResponse.SC_UNAUTHORIZED, "unauthorized", NEEDS_A_USER);
            return false;
        }
        if (operator && !request.isUserInRole(OPERATOR_ROLE)) {
            refuse(response, HttpServletResponse.SC_FORBIDDEN, "forbidden", NEEDS_AN_OPERATOR);
            return false;
        }
        return true;
    }

    static void refuse(HttpServletResponse response, int status, String error, String message) throws IOException {
        response.setStatus(status);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter()
                .write("{\"error\":\"" + error + "\",\"message\":\""
                        + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\",\"violations\":[]}");
    }
}
