package dev.turnstile.gateway.claim;

import dev.turnstile.contracts.claim.ClaimDenied;
import dev.turnstile.contracts.claim.ClaimEvent;
import dev.turnstile.contracts.claim.ClaimGranted;
import dev.turnstile.contracts.claim.FieldViolation;
import dev.turnstile.gateway.claim.ClaimMetrics.Rejection;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /api/claim}: may this agent run this task at this commit? */
@RestController
class ClaimController {

    private static final Logger log = LoggerFactory.getLogger(ClaimController.class);

    private final ClaimRequestParser parser = new ClaimRequestParser();
    private final ClaimService service;
    private final ClaimMetrics metrics;
    private final int maxBodyBytes;
    private final Duration decisionTimeout;
    private final String retryAfterSeconds;

    ClaimController(
            ClaimService service, ClaimMetrics metrics, int maxBodyBytes, Duration decisionTimeout, Duration retryAfter) {
        this.service = service;
        this.metrics = metrics;
        this.maxBodyBytes = maxBodyBytes;
        this.decisionTimeout = decisionTimeout;
        this.retryAfterSeconds = Long.toString(Math.max(1, retryAfter.toSeconds()));
    }

    /** The answer to an agent: proceed, or skip because another agent holds the task. */
    record ClaimAnswer(
            boolean proceed,
            String message,
            String taskKey,
            String requestId,
            String decisionId,
            String claimedBy,
            String claimedAt,
            boolean redelivery) {}

    /** A claim that got no decision, and why. */
    record ErrorAnswer(String error, String message, List<FieldViolation> violations) {}

    /**
     * Waits for the decision on the request's own (virtual) thread: completing it there costs one pass through the
     * servlet pipeline, where an asynchronous answer costs a second dispatch (see the benchmark notes).
     */
    @PostMapping("/api/claim")
    ResponseEntity<?> claim(HttpServletRequest request) throws IOException {
        var body = readBody(request);
        if (body == null) {
            return badRequest(List.of(new FieldViolation(
                    "body", "size", "Request body is larger than " + maxBodyBytes + " bytes; a claim is a few hundred")));
        }
        var parsed = parser.parse(body);
        if (!parsed.isValid()) {
            return badRequest(parsed.violations());
        }
        long start = System.nanoTime();
        CompletableFuture<ClaimEvent> decision;
        try {
            decision = service.claim(parsed.claim());
        } catch (ClaimService.OverloadedException e) {
            return unavailable(Rejection.OVERLOADED, "overloaded", e.getMessage());
        }
        return decision.handle((event, error) -> {
            if (error == null) {
                metrics.decided(event, start);
                return ResponseEntity.ok(answer(event));
            }
            return failed(parsed.claim(), error instanceof CompletionException ? error.getCause() : error);
        }).join();
    }

    private ResponseEntity<?> failed(ClaimRequestParser.ValidClaim claim, Throwable error) {
        if (error instanceof TimeoutException) {
            log.warn(
                    "No decision within {} for {}:{}:{} (agent {}); answered 503, the agent retries with its"
                            + " requestId. Check that the claim processor is running.",
                    decisionTimeout,
                    claim.project(),
                    claim.task(),
                    claim.gitSha(),
                    claim.agentId());
            return unavailable(
                    Rejection.TIMEOUT,
                    "decision_timeout",
                    "No decision within " + decisionTimeout.toMillis() + " ms. Retry with the same requestId: a"
                            + " retried request is answered with its original decision, never decided twice.");
        }
        if (error instanceof ClaimService.CommandNotWrittenException) {
            log.warn("{}; answered 503, the agent retries", error.getMessage());
            return unavailable(Rejection.UNAVAILABLE, "unavailable", error.getMessage());
        }
        log.error("Unexpected error while waiting for a claim decision; answered 500", error);
        metrics.rejected(Rejection.UNEXPECTED);
        return ResponseEntity.internalServerError()
                .body(new ErrorAnswer("internal_error", "Unexpected error: " + error, List.of()));
    }

    private static ClaimAnswer answer(ClaimEvent event) {
        return switch (event) {
            case ClaimGranted granted -> new ClaimAnswer(
                    true,
                    "Claimed by " + granted.agentId() + " at " + granted.attemptedAt() + ": proceed",
                    granted.taskKey(),
                    granted.requestId(),
                    granted.decisionId(),
                    granted.agentId(),
                    granted.attemptedAt().toString(),
                    granted.redelivery());
            case ClaimDenied denied -> new ClaimAnswer(
                    false,
                    "Already claimed by " + denied.heldBy() + " at " + denied.heldSince(),
                    denied.taskKey(),
                    denied.requestId(),
                    denied.decisionId(),
                    denied.heldBy(),
                    denied.heldSince().toString(),
                    denied.redelivery());
        };
    }

    /** The body, or null when it exceeds the limit (read no further than the limit). */
    private byte[] readBody(HttpServletRequest request) throws IOException {
        if (request.getContentLengthLong() > maxBodyBytes) {
            return null;
        }
        var body = request.getInputStream().readNBytes(maxBodyBytes + 1);
        return body.length > maxBodyBytes ? null : body;
    }

    private ResponseEntity<?> badRequest(List<FieldViolation> violations) {
        metrics.rejected(Rejection.INVALID);
        var message = String.join("; ", violations.stream().map(FieldViolation::message).toList());
        return ResponseEntity.badRequest().body(new ErrorAnswer("invalid_request", message, violations));
    }

    private ResponseEntity<?> unavailable(Rejection reason, String error, String message) {
        metrics.rejected(reason);
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, retryAfterSeconds)
                .body(new ErrorAnswer(error, message, List.of()));
    }
}
