package dev.turnstile.gateway.claim;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.turnstile.contracts.claim.ClaimDenied;
import dev.turnstile.contracts.claim.ClaimEvent;
import dev.turnstile.contracts.claim.ClaimGranted;
import dev.turnstile.contracts.claim.ClaimMode;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /api/claim}: may this agent run this task at this commit? */
@RestController
class ClaimController {

    private final ClaimRequestParser parser = new ClaimRequestParser();
    private final ClaimService service;
    private final ClaimMetrics metrics;
    private final Replies replies;

    ClaimController(ClaimService service, ClaimMetrics metrics, Replies replies) {
        this.service = service;
        this.metrics = metrics;
        this.replies = replies;
    }

    /**
     * The answer to an agent: proceed, or skip because another agent holds (or finished) the task.
     *
     * @param fencingToken a grant's new token; for a denial, the holder's
     * @param expiresAt a lease's expiry (the agent's own on a grant, the holder's on a denial)
     * @param outcome on a denial, what the holder reported once it finished
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ClaimAnswer(
            boolean proceed,
            String message,
            String taskKey,
            String requestId,
            String decisionId,
            String claimedBy,
            String claimedAt,
            boolean redelivery,
            String mode,
            long fencingToken,
            String expiresAt,
            Integer ttlSeconds,
            String outcome) {}

    /**
     * Waits for the decision on the request's own (virtual) thread: completing it there costs one pass through the
     * servlet pipeline, where an asynchronous answer costs a second dispatch (see bench/README.md).
     */
    @PostMapping("/api/claim")
    ResponseEntity<?> claim(HttpServletRequest request) {
        byte[] body;
        try {
            body = replies.readBody(request);
        } catch (Replies.BodyNotReceivedException e) {
            return replies.bodyNotReceived();
        }
        if (body == null) {
            return replies.tooLarge();
        }
        var parsed = parser.parse(body);
        if (!parsed.isValid()) {
            return replies.badRequest(parsed.violations());
        }
        var claim = parsed.claim();
        long start = System.nanoTime();
        CompletableFuture<ClaimEvent> decision;
        try {
            decision = service.claim(claim);
        } catch (ClaimService.OverloadedException e) {
            return replies.overloaded(e.getMessage());
        } catch (ClaimService.DiskLowException e) {
            return replies.diskLow(e.getMessage());
        }
        return decision.<ResponseEntity<?>>handle((event, error) -> {
            if (error == null) {
                metrics.decided(event, start);
                return ResponseEntity.ok(answer(event));
            }
            return replies.failed(
                    "claim of " + claim.project() + ":" + claim.task() + ":" + claim.gitSha() + " by " + claim.agentId(),
                    error);
        }).join();
    }

    private static ClaimAnswer answer(ClaimEvent event) {
        return switch (event) {
            case ClaimGranted granted -> new ClaimAnswer(
                    true,
                    "Claimed by " + granted.agentId() + " at " + granted.attemptedAt() + ": proceed"
                            + (granted.mode() == ClaimMode.LEASE
                                    ? " (fencing token " + granted.fencingToken() + ", lease until "
                                            + granted.expiresAt() + "; renew before then)"
                                    : ""),
                    granted.taskKey(),
                    granted.requestId(),
                    granted.decisionId(),
                    granted.agentId(),
                    granted.attemptedAt().toString(),
                    granted.redelivery(),
                    granted.mode().wireName(),
                    granted.fencingToken(),
                    text(granted.expiresAt()),
                    granted.ttlSeconds(),
                    null);
            case ClaimDenied denied -> new ClaimAnswer(
                    false,
                    denialMessage(denied),
                    denied.taskKey(),
                    denied.requestId(),
                    denied.decisionId(),
                    denied.heldBy(),
                    denied.heldSince().toString(),
                    denied.redelivery(),
                    denied.mode().wireName(),
                    denied.fencingToken(),
                    text(denied.expiresAt()),
                    null,
                    denied.outcome() == null ? null : denied.outcome().wireName());
            default -> throw new IllegalStateException("A claim was answered with " + event.getClass().getSimpleName()
                    + " (" + event.decisionId() + "); the processor and gateway disagree on the contract");
        };
    }

    private static String denialMessage(ClaimDenied denied) {
        var message = "Already claimed by " + denied.heldBy() + " at " + denied.heldSince();
        if (denied.outcome() != null) {
            return message + "; it " + denied.outcome().wireName();
        }
        return denied.expiresAt() == null ? message : message + " (lease until " + denied.expiresAt() + ")";
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
