package dev.turnstile.projections.jobs.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.turnstile.contracts.claim.FieldViolation;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

/**
 * The error shape of every Turnstile API (the gateway's): what was wrong, what to do, the fields and rules broken, and
 * the request id to retry with when one was assigned.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record ApiError(String error, String message, List<FieldViolation> violations, String requestId) {

    static ResponseEntity<ApiError> badRequest(List<FieldViolation> violations) {
        var message = String.join(
                "; ", violations.stream().map(FieldViolation::message).toList());
        return ResponseEntity.badRequest().body(new ApiError("invalid_request", message, violations, null));
    }

    static ResponseEntity<ApiError> status(HttpStatus status, String error, String message) {
        return ResponseEntity.status(status).body(new ApiError(error, message, List.of(), null));
    }

    static ResponseEntity<ApiError> unavailable(String error, String message, String requestId) {
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, "1")
                .body(new ApiError(error, message, List.of(), requestId));
    }

    static ResponseEntity<ApiError> unsupportedMediaType(String contentType) {
        var given = contentType == null
                ? "none"
                : "\"" + (contentType.length() > 60 ? contentType.substring(0, 60) + "…" : contentType) + "\"";
        return status(
                HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Send the request with"
                        + " Content-Type: application/json (an empty body is fine where nothing is needed); got "
                        + given
                        + ". Nothing was done.");
    }
}
