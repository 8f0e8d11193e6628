package dev.turnstile.gateway.jobs;

import dev.turnstile.contracts.claim.FieldViolation;
import dev.turnstile.contracts.http.Problem;
import dev.turnstile.contracts.http.ProblemType;
import dev.turnstile.gateway.jobs.JobMetrics.Rejection;
import dev.turnstile.gateway.web.Problems;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;

/**
 * The answers every job endpoint shares, as the claim endpoints' {@code Replies}: JSON only (415), the body limit, 400
 * naming each broken rule (nothing written), 503 with {@code Retry-After} and the request id when no answer came, 409
 * for a request id in use, and 500 for the unexpected. Counted in {@link JobMetrics}; warnings that come in storms
 * (timeouts, Kafka down) are logged once a minute with how many were left out.
 */
final class JobReplies {

    private static final Logger log = LoggerFactory.getLogger(JobReplies.class);
    private static final long LOG_INTERVAL_NANOS = Duration.ofMinutes(1).toNanos();

    private final JobMetrics metrics;
    private final int maxBodyBytes;
    private final Duration decisionTimeout;
    private final String retryAfterSeconds;
    private final AtomicLong nextWarningAt = new AtomicLong(System.nanoTime());
    private final AtomicLong warningsLeftOut = new AtomicLong();

    JobReplies(JobMetrics metrics, int maxBodyBytes, Duration decisionTimeout, Duration retryAfter) {
        this.metrics = metrics;
        this.maxBodyBytes = maxBodyBytes;
        this.decisionTimeout = decisionTimeout;
        this.retryAfterSeconds = Long.toString(Math.max(1, retryAfter.toSeconds()));
    }

    /**
     * 415 unless the request says its body is JSON: a web page can post a form or {@code text/plain} to another site
     * without asking first, but not {@code application/json}.
     */
    ResponseEntity<?> unlessJson(HttpServletRequest request) {
        var refused = Problems.unlessJson(request);
        if (refused != null) {
            metrics.rejected(Rejection.UNSUPPORTED_MEDIA_TYPE);
        }
        return refused;
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
        return badRequest(
                List.of(
                        new FieldViolation(
                                "body",
                                "size",
                                "Request body is larger than " + maxBodyBytes
                                        + " bytes (turnstile.gateway.jobs.max-body-bytes); a payload or result may be at most 64 KiB of JSON")));
    }

    ResponseEntity<?> badRequest(List<FieldViolation> violations) {
        metrics.rejected(Rejection.INVALID);
        var message = String.join(
                "; ", violations.stream().map(FieldViolation::message).toList());
        return Problems.answer(Problem.of(ProblemType.INVALID_REQUEST, message, violations, null));
    }

    /** 503 with {@code Retry-After}; {@code requestId} is the one to retry with. */
    ResponseEntity<?> unavailable(Rejection reason, ProblemType type, String message, String requestId) {
        metrics.rejected(reason);
        var problem = Problem.of(type, message, List.of(), requestId);
        return Problems.status(problem)
                .header(HttpHeaders.RETRY_AFTER, retryAfterSeconds)
                .body(problem);
    }

    ResponseEntity<?> overloaded(String requestId, int waitingNow) {
        return unavailable(
                Rejection.OVERLOADED,
                ProblemType.OVERLOADED,
                "The gateway has " + waitingNow + " job requests waiting"
                        + " for answers, its limit (turnstile.gateway.jobs.max-pending); retry shortly with requestId "
                        + requestId,
                requestId);
    }

    /** Logged by {@link dev.turnstile.gateway.health.DiskSpace} when the disk turns low, not once per request. */
    ResponseEntity<?> diskLow(String requestId, String problem) {
        return unavailable(
                Rejection.DISK_LOW,
                ProblemType.DISK_LOW,
                problem + "; the job request was not written, so that what"
                        + " was accepted before can still be decided. Free space there, then retry with the same requestId ("
                        + requestId + ").",
                requestId);
    }

    ResponseEntity<?> notListening(String requestId) {
        warn(() -> "A job request came while this gateway does not read the job events topic; answered 503. Create the"
                + " job topics, or check that Kafka is reachable.");
        return unavailable(
                Rejection.UNAVAILABLE,
                ProblemType.UNAVAILABLE,
                "This gateway is not reading job events yet (the job"
                        + " topics may be missing); nothing was written. Retry shortly with requestId " + requestId
                        + ".",
                requestId);
    }

    /** 409: the request id names a different request waiting at this gateway, or decided before on this queue. */
    ResponseEntity<?> requestIdReused(String requestId, String queue) {
        metrics.rejected(Rejection.REQUEST_ID_CONFLICT);
        var message = "Request id " + requestId + " already names a different request on queue " + queue + ". A request"
                + " id names one request: send it again only to retry that same request, and use a new one (or none)"
                + " for anything else. Nothing was decided for this request.";
        return Problems.answer(Problem.of(
                ProblemType.REQUEST_ID_CONFLICT,
                message,
                List.of(new FieldViolation("requestId", "unique", message)),
                requestId));
    }

    /**
     * The answer to a request whose answer did not come.
     *
     * @param what the request in words, for the log, e.g. {@code heartbeat of emails:welcome-42 by worker-1}
     */
    ResponseEntity<?> failed(String what, String requestId, Throwable failure) {
        var error = failure instanceof CompletionException ? failure.getCause() : failure;
        if (error instanceof TimeoutException) {
            warn(() -> "No answer within " + decisionTimeout + " (plus its wait, for a claim-next) to the " + what
                    + "; answered 503, the client retries with its requestId. Check that the processor is running.");
            return unavailable(
                    Rejection.TIMEOUT,
                    ProblemType.DECISION_TIMEOUT,
                    "No answer within " + decisionTimeout.toMillis()
                            + " ms. Retry with the same requestId (" + requestId
                            + "): a retried request is answered with its"
                            + " original answer, never decided twice.",
                    requestId);
        }
        if (error instanceof JobService.CommandNotWrittenException) {
            warn(() -> error.getMessage() + "; answered 503, the client retries");
            return unavailable(
                    Rejection.UNAVAILABLE,
                    ProblemType.UNAVAILABLE,
                    error.getMessage() + ". Retry with the same requestId (" + requestId + ").",
                    requestId);
        }
        log.error("Unexpected error while waiting for the answer to the {}; answered 500", what, error);
        metrics.rejected(Rejection.UNEXPECTED);
        return Problems.answer(Problem.of(
                ProblemType.INTERNAL_ERROR,
                "Unexpected error; the gateway logged it. Retry with the same requestId (" + requestId + ").",
                List.of(),
                requestId));
    }

    /** A warning that may come in a storm: at most one line a minute, saying how many were left out. */
    private void warn(Supplier<String> line) {
        long now = System.nanoTime();
        long due = nextWarningAt.get();
        if (now - due >= 0 && nextWarningAt.compareAndSet(due, now + LOG_INTERVAL_NANOS)) {
            long more = warningsLeftOut.getAndSet(0);
            log.warn(
                    "{}{}",
                    line.get(),
                    more == 0
                            ? ""
                            : " (" + more + " more such answers since the last line; all"
                                    + " are counted in turnstile.jobs.rejected)");
        } else {
            warningsLeftOut.incrementAndGet();
        }
    }
}
