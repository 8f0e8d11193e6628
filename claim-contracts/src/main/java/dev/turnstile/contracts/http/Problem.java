package dev.turnstile.contracts.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.turnstile.contracts.claim.FieldViolation;
import java.util.List;

/**
 * An error answer as RFC 9457 {@code application/problem+json}, with this API's extension members.
 *
 * @param type a URI naming the kind of problem, stable across releases (see {@link ProblemType})
 * @param title a short summary of the kind of problem
 * @param status the HTTP status code
 * @param detail what went wrong this time and what to do about it, in a sentence or two
 * @param instance the request path this problem occurred on
 * @param error the kind of problem as a code, e.g. {@code invalid_request} (the same as {@code type} names)
 * @param violations each broken input rule (empty when the problem is not about the input)
 * @param requestId the request's id when one was assigned (every 503 and 409 carries it): retry with it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(
        String type,
        String title,
        int status,
        String detail,
        String instance,
        String error,
        List<FieldViolation> violations,
        String requestId) {

    /** The media type of a problem. */
    public static final String MEDIA_TYPE = "application/problem+json";

    public Problem {
        violations = violations == null ? List.of() : List.copyOf(violations);
    }

    /** A problem of {@code type}; {@code instance} is filled in when it is answered. */
    public static Problem of(ProblemType type, String detail, List<FieldViolation> violations, String requestId) {
        return new Problem(
                type.uri().toString(), type.title(), type.status(), detail, null, type.code(), violations, requestId);
    }

    /** A problem of {@code type} about no field and no request id. */
    public static Problem of(ProblemType type, String detail) {
        return of(type, detail, List.of(), null);
    }

    /** This problem, as it occurred on {@code path}. */
    public Problem at(String path) {
        return new Problem(type, title, status, detail, path, error, violations, requestId);
    }
}
