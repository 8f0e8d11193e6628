package dev.turnstile.gateway.claim;

import dev.turnstile.contracts.claim.ClaimAnswer;
import dev.turnstile.contracts.claim.ClaimDenied;
import dev.turnstile.contracts.claim.ClaimGranted;
import dev.turnstile.contracts.claim.ClaimMode;
import dev.turnstile.contracts.claim.RequestRefused;
import dev.turnstile.contracts.http.ClaimBody;
import dev.turnstile.contracts.http.ClaimReply;
import dev.turnstile.gateway.api.ApiContract;
import dev.turnstile.gateway.security.AgentApi;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /api/claim}: may this agent run this task at this commit? */
@RestController
@AgentApi
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
     * Waits for the decision on the request's own (virtual) thread: completing it there costs one pass through the
     * servlet pipeline, where an asynchronous answer costs a second dispatch (see bench/README.md).
     */
    @ApiContract(
            summary = "May this agent run this task at this commit? proceed, or skip",
            body = ClaimBody.class,
            answers = @ApiContract.Answer(status = 200, body = ClaimReply.class, description = "Decided"))
    @PostMapping("/api/claim")
    ResponseEntity<?> claim(HttpServletRequest request) {
        var notJson = replies.unlessJson(request);
        if (notJson != null) {
            return notJson;
        }
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
        var what = "claim of " + claim.key() + " by " + claim.agentId();
        return switch (service.claim(claim)) {
            case ClaimService.Submitted<ClaimAnswer> submitted ->
                submitted
                        .decision()
                        .<ResponseEntity<?>>handle((event, error) -> {
                            if (error != null) {
                                return replies.failed(what, submitted.requestId(), error);
                            }
                            metrics.decided(event, start);
                            return answer(event);
                        })
                        .join();
            case ClaimService.Overloaded<ClaimAnswer> overloaded -> replies.overloaded(overloaded);
            case ClaimService.RequestIdInUse<ClaimAnswer> inUse ->
                replies.requestIdReused(inUse.requestId(), inUse.taskKey());
            case ClaimService.DiskLow<ClaimAnswer> diskLow -> replies.diskLow(diskLow);
        };
    }

    private ResponseEntity<?> answer(ClaimAnswer event) {
        return switch (event) {
            case ClaimGranted granted ->
                ResponseEntity.ok(new ClaimReply(
                        true,
                        // A redelivered grant answers this agent asking again (a retry, or a new request id).
                        (granted.redelivery()
                                        ? "Already claimed by you (" + granted.agentId() + ")"
                                        : "Claimed by " + granted.agentId())
                                + " at " + granted.attemptedAt() + ": proceed"
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
                        null));
            case ClaimDenied denied ->
                ResponseEntity.ok(new ClaimReply(
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
                        denied.outcome() == null ? null : denied.outcome().wireName()));
            // A claim is refused only for reusing another request's id.
            case RequestRefused refused -> replies.requestIdReused(refused.requestId(), refused.taskKey());
        };
    }

    private static String denialMessage(ClaimDenied denied) {
        var message = "Already claimed by "
                + (denied.heldBy().equals(denied.agentId())
                        ? "you (" + denied.heldBy() + ", with other settings)"
                        : denied.heldBy())
                + " at " + denied.heldSince();
        if (denied.outcome() != null) {
            return message + "; it " + denied.outcome().wireName();
        }
        return denied.expiresAt() == null ? message : message + " (lease until " + denied.expiresAt() + ")";
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
