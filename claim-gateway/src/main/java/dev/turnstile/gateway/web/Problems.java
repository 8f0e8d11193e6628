package dev.turnstile.gateway.web;

import dev.turnstile.contracts.http.Problem;
import org.springframework.http.HttpStatusCode;
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
}
