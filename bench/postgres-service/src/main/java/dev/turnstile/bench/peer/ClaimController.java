package dev.turnstile.bench.peer;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.turnstile.contracts.claim.FieldViolation;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/claim} with Turnstile's answers: 200 proceed or skip with the holder, 400 naming each broken
 * rule, 415 for a body that is not JSON, 503 with {@code Retry-After} when the database does not answer.
 */
@RestController
class ClaimController {

    private static final Logger log = LoggerFactory.getLogger(ClaimController.class);

    /** Turnstile's limit on a claim body. */
    private static final int MAX_BODY_BYTES = 8192;

    /** The answer to an agent, with the fields of Turnstile's answer to a once claim. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ClaimReply(
            boolean proceed,
            String message,
            String taskKey,
            String requestId,
            String decisionId,
            String claimedBy,
            String claimedAt,
            boolean redelivery,
            String mode,
            long fencingToken) {}

    /** What {@code GET /api/health} answers; {@code error} says why it is unhealthy. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Health(String status, String timestamp, String error) {}

    /** A request that got no decision, and why. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ErrorAnswer(String error, String message, List<FieldViolation> violations, String requestId) {}

    private final ClaimRequestReader reader = new ClaimRequestReader();
    private final ClaimStore store;
    private final Clock clock;

    ClaimController(ClaimStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @PostMapping("/api/claim")
    ResponseEntity<?> claim(HttpServletRequest request) throws IOException {
        if (!isJson(request.getContentType())) {
            return ResponseEntity.status(HttpStatus.UNSUPPORTED_MEDIA_TYPE)
                    .body(new ErrorAnswer(
                            "unsupported_media_type",
                            "Send the body as JSON with Content-Type: application/json. Nothing was written.",
                            List.of(),
                            null));
        }
        var body = request.getContentLengthLong() > MAX_BODY_BYTES
                ? null
                : request.getInputStream().readNBytes(MAX_BODY_BYTES + 1);
        if (body == null || body.length > MAX_BODY_BYTES) {
            return badRequest(List.of(new FieldViolation(
                    "body",
                    "size",
                    "Request body is larger than " + MAX_BODY_BYTES + " bytes; a request is a few hundred")));
        }
        var read = reader.read(body);
        if (!read.isValid()) {
            return badRequest(read.violations());
        }
        var claim = read.claim();
        var requestId = claim.requestId() != null
                ? claim.requestId()
                : UUID.randomUUID().toString();
        // PostgreSQL keeps microseconds: the answer shows the instant as stored.
        var now = Instant.now(clock).truncatedTo(ChronoUnit.MICROS);
        ClaimStore.Decision decision;
        try {
            decision = store.claim(claim.key(), claim.agentId(), requestId, now);
        } catch (DataAccessException e) {
            log.warn(
                    "Claim of {} by {} not decided, the database did not answer ({}); answered 503, the agent retries",
                    claim.key(),
                    claim.agentId(),
                    e.getMostSpecificCause().toString());
            return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                    .header(HttpHeaders.RETRY_AFTER, "1")
                    .body(new ErrorAnswer(
                            "unavailable",
                            "The database did not answer. Retry with the same requestId (" + requestId + ").",
                            List.of(),
                            requestId));
        }
        return ResponseEntity.ok(reply(claim, requestId, decision));
    }

    /** 200 while the database answers, else 503 saying why. */
    @GetMapping("/api/health")
    ResponseEntity<Health> health() {
        var now = Instant.now(clock).toString();
        try {
            store.reachable();
            return ResponseEntity.ok(new Health("healthy", now, null));
        } catch (DataAccessException e) {
            return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                    .body(new Health("unhealthy", now, "PostgreSQL: " + e.getMostSpecificCause()));
        }
    }

    private static ClaimReply reply(
            ClaimRequestReader.ClaimRequest claim, String requestId, ClaimStore.Decision decision) {
        var holder = decision.holder();
        var claimedAt = holder.claimedAt().toString();
        // As in Turnstile: the holder asking again is told it holds the task.
        boolean again = !decision.granted() && holder.agentId().equals(claim.agentId());
        String message;
        if (decision.granted()) {
            message = "Claimed by " + holder.agentId() + " at " + claimedAt + ": proceed";
        } else if (again) {
            message = "Already claimed by you (" + holder.agentId() + ") at " + claimedAt + ": proceed";
        } else {
            message = "Already claimed by " + holder.agentId() + " at " + claimedAt;
        }
        return new ClaimReply(
                decision.granted() || again,
                message,
                claim.key().value(),
                again ? holder.requestId() : requestId,
                claim.key().value() + "#" + decision.attemptId(),
                holder.agentId(),
                claimedAt,
                again,
                "once",
                1);
    }

    private static ResponseEntity<?> badRequest(List<FieldViolation> violations) {
        var message = String.join(
                "; ", violations.stream().map(FieldViolation::message).toList());
        return ResponseEntity.badRequest().body(new ErrorAnswer("invalid_request", message, violations, null));
    }

    private static boolean isJson(String contentType) {
        try {
            return contentType != null
                    && MediaType.parseMediaType(contentType).equalsTypeAndSubtype(MediaType.APPLICATION_JSON);
        } catch (InvalidMediaTypeException e) {
            return false;
        }
    }
}
