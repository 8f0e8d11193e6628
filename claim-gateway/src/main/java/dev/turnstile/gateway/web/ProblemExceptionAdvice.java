package dev.turnstile.gateway.web;

import dev.turnstile.contracts.http.Problem;
import dev.turnstile.contracts.http.ProblemType;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * 404 and 405 under {@code /api/} as problems, like every other error of the API. Elsewhere (the dashboard's pages,
 * the actuator) the exception goes on to the application's own handling: rethrowing the exception a handler was given
 * hands it to the next resolver.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
final class ProblemExceptionAdvice {

    private static final String API = "/api/";

    @ExceptionHandler({NoResourceFoundException.class, NoHandlerFoundException.class})
    ResponseEntity<Problem> notFound(HttpServletRequest request, Exception exception) throws Exception {
        if (!request.getRequestURI().startsWith(API)) {
            throw exception;
        }
        return Problems.answer(Problem.of(
                ProblemType.NOT_FOUND,
                "Nothing here: " + request.getMethod() + " " + request.getRequestURI()
                        + " is not an endpoint of this API; see /v3/api-docs for those there are"));
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<Problem> methodNotAllowed(
            HttpServletRequest request, HttpRequestMethodNotSupportedException exception)
            throws HttpRequestMethodNotSupportedException {
        if (!request.getRequestURI().startsWith(API)) {
            throw exception;
        }
        var allowed = exception.getSupportedHttpMethods();
        var problem = Problem.of(
                ProblemType.METHOD_NOT_ALLOWED,
                request.getRequestURI() + " does not answer " + request.getMethod()
                        + (allowed == null || allowed.isEmpty() ? "" : "; it answers " + allowed));
        var answer = Problems.status(problem);
        if (allowed != null && !allowed.isEmpty()) {
            answer.header(
                    HttpHeaders.ALLOW, allowed.stream().map(Object::toString).toArray(String[]::new));
        }
        return answer.body(problem);
    }
}
