package dev.turnstile.gateway.claim;

import dev.turnstile.contracts.claim.FieldViolation;
import dev.turnstile.contracts.http.Problem;
import dev.turnstile.contracts.http.ProblemType;
import dev.turnstile.gateway.claim.ClaimMetrics.Rejection;
import dev.turnstile.gateway.logging.SampledLog;
import dev.turnstile.gateway.web.Problems;
import dev.turnstile.gateway.web.RequestDeadline;
import dev.turnstile.gateway.web.SlowRequests;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;

/**
 * The answers every endpoint shares, as RFC 9457 problems ({@link Problem}): the body limit, 400 naming each broken
 * rule (nothing written), 503 with {@code Retry-After} when no decision came, and 500 for the unexpected. Counted in
 * {@link ClaimMetrics}.
 */
final class Replies {

    private static final Logger log = LoggerFactory.getLogger(Replies.class);

    private final ClaimMetrics metrics;
    private final SlowRequests slowRequests;
    private final int maxBodyBytes;
    private final Duration decisionTimeout;
    private final String retryAfterSeconds;
    /**
     * A storm of timeouts (a processor restarting, a broker failing over) is one line per 10 s with a count, not one
     * per claim; {@code turnstile.claims.rejected{reason=timeout|unavailable}} counts every one.
     */
    private final SampledLog timeouts = new SampledLog(log, Duration.ofSeconds(10));

    private final SampledLog notWritten = new SampledLog(log, Duration.ofSeconds(10));

    Replies(
            ClaimMetrics metrics,
            SlowRequests slowRequests,
            int maxBodyBytes,
            Duration decisionTimeout,
            Duration retryAfter) {
        this.metrics = metrics;
        this.slowRequests = slowRequests;
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
        var refused = Problems.unlessJson(request);
        if (refused != null) {
            metrics.rejected(Rejection.UNSUPPORTED_MEDIA_TYPE);
        }
        return refused;
    }

    /** The request body did not arrive: the client stopped sending, or sent too slowly and was cut off. */
    static final class BodyNotReceivedException extends Exception {
        BodyNotReceivedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * The body, or null when it exceeds the limit (read no further than the limit). It must have arrived by the
     * request's read deadline, counted from its first byte: a client trickling it in is cut off then.
     *
     * @throws BodyNotReceivedException when reading failed or the deadline passed
     */
    byte[] readBody(HttpServletRequest request) throws BodyNotReceivedException {
        if (request.getContentLengthLong() > maxBodyBytes) {
            return null;
        }
        long deadline = RequestDeadline.of(request, slowRequests.deadline());
        var body = new ByteArrayOutputStream();
        var chunk = new byte[Math.min(8192, maxBodyBytes + 1)];
        try {
            var in = request.getInputStream();
            while (body.size() <= maxBodyBytes) {
                // Each read waits at most the per-read timeout; the deadline is checked between reads.
                int read = in.read(chunk, 0, Math.min(chunk.length, maxBodyBytes + 1 - body.size()));
                if (read < 0) {
                    break;
                }
                body.write(chunk, 0, read);
                if (!in.isFinished() && System.nanoTime() - deadline > 0) {
                    slowRequests.cutOff(SlowRequests.Phase.BODY, request.getRemoteAddr());
                    RequestDeadline.abandonBody(request);
                    throw new BodyNotReceivedException("request body still arriving at the read deadline", null);
                }
            }
        } catch (IOException e) {
            RequestDeadline.abandonBody(request);
            throw new BodyNotReceivedException("reading the request body failed: " + e, e);
        }
        return body.size() > maxBodyBytes ? null : body.toByteArray();
    }

    /**
     * 408 and close: the connection may be gone already, so this is mostly for the count
     * ({@code turnstile.claims.rejected{reason=incomplete_body}}); slow senders are logged in aggregate by
     * {@link SlowRequests}.
     */
    ResponseEntity<?> bodyNotReceived() {
        metrics.rejected(Rejection.INCOMPLETE_BODY);
        var problem = Problem.of(
                ProblemType.INCOMPLETE_BODY,
                "The request body did not arrive in time (turnstile.gateway.request-read-timeout); nothing was"
                        + " written. Send it whole and retry with the same requestId.");
        return Problems.status(problem).header(HttpHeaders.CONNECTION, "close").body(problem);
    }

    ResponseEntity<?> tooLarge() {
        return badRequest(List.of(new FieldViolation(
                "body", "size", "Request body is larger than " + maxBodyBytes + " bytes; a request is a few hundred")));
    }

    ResponseEntity<?> badRequest(List<FieldViolation> violations) {
        metrics.rejected(Rejection.INVALID);
        var message = String.join(
                "; ", violations.stream().map(FieldViolation::message).toList());
        return Problems.answer(Problem.of(ProblemType.INVALID_REQUEST, message, violations, null));
    }

    /** 503 with {@code Retry-After}; {@code requestId} (null when none was assigned yet) is the one to retry with. */
    ResponseEntity<?> unavailable(Rejection reason, ProblemType type, String message, String requestId) {
        metrics.rejected(reason);
        var problem = Problem.of(type, message, List.of(), requestId);
        return Problems.status(problem)
                .header(HttpHeaders.RETRY_AFTER, retryAfterSeconds)
                .body(problem);
    }

    ResponseEntity<?> overloaded(ClaimService.Overloaded<?> overloaded) {
        return unavailable(Rejection.OVERLOADED, ProblemType.OVERLOADED, overloaded.message(), overloaded.requestId());
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
        return Problems.answer(Problem.of(
                ProblemType.REQUEST_ID_CONFLICT,
                message,
                List.of(new FieldViolation("requestId", "unique", message)),
                requestId));
    }

    /** Logged by {@link dev.turnstile.gateway.health.DiskSpace} when the disk turns low, not once per request. */
    ResponseEntity<?> diskLow(ClaimService.DiskLow<?> diskLow) {
        return unavailable(Rejection.DISK_LOW, ProblemType.DISK_LOW, diskLow.message(), diskLow.requestId());
    }

    /**
     * The answer to a request whose decision did not come.
     *
     * @param what the request in words, for the log, e.g. {@code claim of hire:deploy:3f9c2ab by agent-1}
     */
    ResponseEntity<?> failed(String what, String requestId, Throwable failure) {
        var error = failure instanceof CompletionException ? failure.getCause() : failure;
        if (error instanceof TimeoutException) {
            timeouts.warn(() -> "No decision within " + decisionTimeout + " for the " + what + "; answered 503, the"
                    + " agent retries with its requestId. Check that the claim processor is running (bin/turnstile"
                    + " status, /api/health)");
            return unavailable(
                    Rejection.TIMEOUT,
                    ProblemType.DECISION_TIMEOUT,
                    "No decision within " + decisionTimeout.toMillis() + " ms. Retry with the same requestId ("
                            + requestId + "): a retried request is answered with its original decision, never"
                            + " decided twice.",
                    requestId);
        }
        if (error instanceof ClaimService.CommandNotWrittenException) {
            notWritten.warn(() -> error.getMessage() + "; answered 503, the agent retries");
            return unavailable(
                    Rejection.UNAVAILABLE,
                    ProblemType.UNAVAILABLE,
                    error.getMessage() + ". Retry with the same requestId (" + requestId + ").",
                    requestId);
        }
        log.error("Unexpected error while waiting for the decision on the {}; answered 500", what, error);
        metrics.rejected(Rejection.UNEXPECTED);
        return Problems.answer(Problem.of(
                ProblemType.INTERNAL_ERROR,
                "Unexpected error; the gateway logged it. Retry with the same requestId (" + requestId + ").",
                List.of(),
                requestId));
    }
}
