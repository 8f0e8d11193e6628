package dev.turnstile.gateway.claim;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.turnstile.contracts.claim.FieldViolation;
import dev.turnstile.gateway.claim.ClaimMetrics.Rejection;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * The answers every endpoint shares: the body limit, 400 naming each broken rule (nothing written), 503 with
 * {@code Retry-After} when no decision came, and 500 for the unexpected. Counted in {@link ClaimMetrics}.
 */
final class Replies {

    private static final Logger log = LoggerFactory.getLogger(Replies.class);

    /**
     * A request that got no decision, and why.
     *
     * @param requestId the request's id when one was assigned (every 503 and 409 carries it): retry with it
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ErrorAnswer(String error, String message, List<FieldViolation> violations, String requestId) {

        ErrorAnswer(String error, String message, List<FieldViolation> violations) {
            this(error, message, violations, null);
        }
    }

    private final ClaimMetrics metrics;
    private final int maxBodyBytes;
    private final Duration decisionTimeout;
    private final String retryAfterSeconds;

    Replies(ClaimMetrics metrics, int maxBodyBytes, Duration decisionTimeout, Duration retryAfter) {
        this.metrics = metrics;
        this.maxBodyBytes = maxBodyBytes;
        this.decisionTimeout = decisionTimeout;
        this.retryAfterSeconds = Long.toString(Math.max(1, retryAfter.toSeconds()));
    }

    /**
     * 415 unless the request says its body is JSON. A web page can send a cross-site form or {@code text/plain} post
     * without asking first, but not {@code application/json}: requiring it keeps other sites from claiming through a
     * signed-in browser, and says so to a client that forgot the header.
     */
    ResponseEntity<?> unlessJson(HttpServletRequest request) {
        var contentType = request.getContentType();
        try {
            if (contentType != null
                    && MediaType.parseMediaType(contentType).equalsTypeAndSubtype(MediaType.APPLICATION_JSON)) {
                return null;
            }
        } catch (InvalidMediaTypeException e) {
            // Answered below, as any other type.
        }
        metrics.rejected(Rejection.UNSUPPORTED_MEDIA_TYPE);
        var given = contentType == null
                ? "none"
                : "\"" + (contentType.length() > 60 ? contentType.substring(0, 60) + "…" : contentType) + "\"";
        return ResponseEntity.status(HttpStatus.UNSUPPORTED_MEDIA_TYPE)
                .body(new ErrorAnswer("unsupported_media_type", "Send the body as JSON with Content-Type:"
                        + " application/json; got " + given + ". Nothing was written.", List.of()));
    }

    /** The body, or null when it exceeds the limit (read no further than the limit). */
    byte[] readBody(HttpServletRequest request) throws IOException {
        if (request.getContentLengthLong() > maxBodyBytes) {
            return null;
        }
        var body = request.getInputStream().readNBytes(maxBodyBytes + 1);
        return body.length > maxBodyBytes ? null : body;
    }

    ResponseEntity<?> tooLarge() {
        return badRequest(List.of(new FieldViolation(
                "body", "size", "Request body is larger than " + maxBodyBytes + " bytes; a request is a few hundred")));
    }

    ResponseEntity<?> badRequest(List<FieldViolation> violations) {
        metrics.rejected(Rejection.INVALID);
        var message = String.join("; ", violations.stream().map(FieldViolation::message).toList());
        return ResponseEntity.badRequest().body(new ErrorAnswer("invalid_request", message, violations));
    }

    /** 503 with {@code Retry-After}; {@code requestId} (null when none was assigned yet) is the one to retry with. */
    ResponseEntity<?> unavailable(Rejection reason, String error, String message, String requestId) {
        metrics.rejected(reason);
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, retryAfterSeconds)
                .body(new ErrorAnswer(error, message, List.of(), requestId));
    }

    ResponseEntity<?> overloaded(ClaimService.Overloaded<?> overloaded) {
        return unavailable(Rejection.OVERLOADED, "overloaded", overloaded.message(), overloaded.requestId());
    }

    /**
     * 409: the request id already names a different request on this key (another agent, mode or settings), waiting
     * at this gateway or decided before. Nothing was decided for this request.
     */
    ResponseEntity<?> requestIdReused(String requestId, String taskKey) {
        metrics.rejected(Rejection.REQUEST_ID_CONFLICT);
        var message = "Request id " + requestId + " already names a different request on " + taskKey + " (another"
                + " agent, mode or settings). A request id names one request: send it again only to retry that same"
                + " request, and use a new one (or none) for anything else. Nothing was decided for this request.";
        return ResponseEntity.status(HttpStatus.CONFLICT)
                .body(new ErrorAnswer(
                        "request_id_conflict",
                        message,
                        List.of(new FieldViolation("requestId", "unique", message)),
                        requestId));
    }

    /**
     * The answer to a request whose decision did not come.
     *
     * @param what the request in words, for the log, e.g. {@code claim of hire:deploy:3f9c2ab by agent-1}
     */
    ResponseEntity<?> failed(String what, String requestId, Throwable failure) {
        var error = failure instanceof CompletionException ? failure.getCause() : failure;
        if (error instanceof TimeoutException) {
            log.warn(
                    "No decision within {} for the {}; answered 503, the agent retries with its requestId. Check that"
                            + " the claim processor is running.",
                    decisionTimeout,
                    what);
            return unavailable(
                    Rejection.TIMEOUT,
                    "decision_timeout",
                    "No decision within " + decisionTimeout.toMillis() + " ms. Retry with the same requestId ("
                            + requestId + "): a retried request is answered with its original decision, never"
                            + " decided twice.",
                    requestId);
        }
        if (error instanceof ClaimService.CommandNotWrittenException) {
            log.warn("{}; answered 503, the agent retries", error.getMessage());
            return unavailable(
                    Rejection.UNAVAILABLE,
                    "unavailable",
                    error.getMessage() + ". Retry with the same requestId (" + requestId + ").",
                    requestId);
        }
        log.error("Unexpected error while waiting for the decision on the {}; answered 500", what, error);
        metrics.rejected(Rejection.UNEXPECTED);
        return ResponseEntity.internalServerError()
                .body(new ErrorAnswer("internal_error", "Unexpected error: " + error, List.of(), requestId));
    }
}
