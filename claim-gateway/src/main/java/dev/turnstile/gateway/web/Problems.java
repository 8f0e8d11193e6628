package dev.turnstile.gateway.web;

import dev.turnstile.contracts.http.Problem;
import dev.turnstile.contracts.http.ProblemType;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/** How a problem is answered: its status, as {@code application/problem+json}. */
public final class Problems {

    /** {@code application/problem+json}. */
    public static final MediaType MEDIA_TYPE = MediaType.APPLICATION_PROBLEM_JSON;

    private Problems() {}

    /** A response builder for {@code problem}'s status with the problem media type; add headers, then the body. */
    public static ResponseEntity.BodyBuilder status(Problem problem) {
        return ResponseEntity.status(HttpStatusCode.valueOf(problem.status())).contentType(MEDIA_TYPE);
    }

    /** {@code problem} as the answer; its {@code instance} is filled in by {@link ProblemInstanceAdvice}. */
    public static ResponseEntity<Problem> answer(Problem problem) {
        return status(problem).body(problem);
    }

    /**
     * 415 unless the request says its body is JSON, else null. A web page can send a cross-site form or
     * {@code text/plain} post without asking first, but not {@code application/json}: requiring it keeps other sites
     * from writing through a signed-in browser, and says so to a client that forgot the header.
     */
    public static ResponseEntity<Problem> unlessJson(HttpServletRequest request) {
        var contentType = request.getContentType();
        try {
            if (contentType != null
                    && MediaType.parseMediaType(contentType).equalsTypeAndSubtype(MediaType.APPLICATION_JSON)) {
                return null;
            }
        } catch (InvalidMediaTypeException e) {
            // Answered below, as any other type.
        }
        var given = contentType == null
                ? "none"
                : "\"" + (contentType.length() > 60 ? contentType.substring(0, 60) + "…" : contentType) + "\"";
        return answer(Problem.of(
                ProblemType.UNSUPPORTED_MEDIA_TYPE,
                "Send the body as JSON with Content-Type: application/json; got " + given + ". Nothing was written."));
    }
}
