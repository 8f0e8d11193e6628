package dev.turnstile.gateway.claim;

import dev.turnstile.contracts.claim.ClaimCompleted;
import dev.turnstile.contracts.claim.ClaimEvent;
import dev.turnstile.contracts.claim.HolderAnswer;
import dev.turnstile.contracts.claim.HolderRequest;
import dev.turnstile.contracts.claim.LeaseReleased;
import dev.turnstile.contracts.claim.LeaseRenewed;
import dev.turnstile.contracts.claim.RequestRefused;
import dev.turnstile.contracts.http.HolderBody;
import dev.turnstile.contracts.http.HolderReply;
import dev.turnstile.gateway.api.ApiContract;
import dev.turnstile.gateway.security.AgentApi;
import jakarta.servlet.http.HttpServletRequest;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * What only the holder of a claim may ask, proving it with its fencing token: {@code POST /api/lease/renew} (a
 * heartbeat), {@code POST /api/lease/release} and {@code POST /api/claim/complete}. 200 when done; 409 with a
 * machine-readable {@code reason} when refused (another agent holds the key, the lease expired, …).
 */
@RestController
@AgentApi
class HolderController {

    private final Map<HolderRequest, HolderRequestParser> parsers = new EnumMap<>(HolderRequest.class);
    private final ClaimService service;
    private final ClaimMetrics metrics;
    private final Replies replies;

    HolderController(ClaimService service, ClaimMetrics metrics, Replies replies) {
        this.service = service;
        this.metrics = metrics;
        this.replies = replies;
        for (var request : List.of(HolderRequest.RENEW, HolderRequest.RELEASE, HolderRequest.COMPLETE)) {
            parsers.put(request, new HolderRequestParser(request));
        }
    }

    @ApiContract(
            summary = "Renews (heartbeats) a lease",
            body = HolderBody.class,
            answers = {
                @ApiContract.Answer(status = 200, body = HolderReply.class, description = "Done"),
                @ApiContract.Answer(status = 409, body = HolderReply.class, description = "Refused; see reason")
            })
    @PostMapping("/api/lease/renew")
    ResponseEntity<?> renew(HttpServletRequest request) {
        return handle(HolderRequest.RENEW, request);
    }

    @ApiContract(
            summary = "Releases a claim: the next claimer wins",
            body = HolderBody.class,
            answers = {
                @ApiContract.Answer(status = 200, body = HolderReply.class, description = "Done"),
                @ApiContract.Answer(status = 409, body = HolderReply.class, description = "Refused; see reason")
            })
    @PostMapping("/api/lease/release")
    ResponseEntity<?> release(HttpServletRequest request) {
        return handle(HolderRequest.RELEASE, request);
    }

    @ApiContract(
            summary = "Reports how the claimed task ended",
            body = HolderBody.class,
            answers = {
                @ApiContract.Answer(status = 200, body = HolderReply.class, description = "Done"),
                @ApiContract.Answer(status = 409, body = HolderReply.class, description = "Refused; see reason")
            })
    @PostMapping("/api/claim/complete")
    ResponseEntity<?> complete(HttpServletRequest request) {
        return handle(HolderRequest.COMPLETE, request);
    }

    /** Waits for the decision on the request's (virtual) thread, as {@link ClaimController} does. */
    private ResponseEntity<?> handle(HolderRequest kind, HttpServletRequest http) {
        var notJson = replies.unlessJson(http);
        if (notJson != null) {
            return notJson;
        }
        byte[] body;
        try {
            body = replies.readBody(http);
        } catch (Replies.BodyNotReceivedException e) {
            return replies.bodyNotReceived();
        }
        if (body == null) {
            return replies.tooLarge();
        }
        var parsed = parsers.get(kind).parse(body);
        if (!parsed.isValid()) {
            return replies.badRequest(parsed.violations());
        }
        var request = parsed.request();
        var what = kind.wireName() + " of " + request.key() + " by " + request.agentId() + " with token "
                + request.fencingToken();
        return switch (service.holderRequest(request)) {
            case ClaimService.Submitted<HolderAnswer> submitted ->
                submitted
                        .decision()
                        .<ResponseEntity<?>>handle((event, error) -> {
                            if (error != null) {
                                return replies.failed(what, submitted.requestId(), error);
                            }
                            metrics.holderAnswered(kind, event);
                            var answer = answer(event);
                            return answer.accepted()
                                    ? ResponseEntity.ok(answer)
                                    : ResponseEntity.status(HttpStatus.CONFLICT).body(answer);
                        })
                        .join();
            case ClaimService.Overloaded<HolderAnswer> overloaded -> replies.overloaded(overloaded);
            case ClaimService.RequestIdInUse<HolderAnswer> inUse ->
                replies.requestIdReused(inUse.requestId(), inUse.taskKey());
            case ClaimService.DiskLow<HolderAnswer> diskLow -> replies.diskLow(diskLow);
        };
    }

    private static HolderReply answer(HolderAnswer event) {
        return switch (event) {
            case LeaseRenewed renewed ->
                accepted(
                        renewed,
                        "renewed",
                        "Lease on " + renewed.taskKey() + " renewed until " + renewed.expiresAt() + " (fencing token "
                                + renewed.fencingToken() + ")",
                        renewed.expiresAt().toString(),
                        null);
            case LeaseReleased released ->
                accepted(
                        released,
                        "released",
                        "Released " + released.taskKey() + " (fencing token " + released.fencingToken()
                                + "): the next claimer wins",
                        null,
                        null);
            case ClaimCompleted completed ->
                accepted(
                        completed,
                        "completed",
                        "Recorded that " + completed.taskKey() + " "
                                + completed.outcome().wireName() + " (fencing token " + completed.fencingToken() + ")",
                        null,
                        completed.outcome().wireName());
            case RequestRefused refused ->
                new HolderReply(
                        false,
                        "refused",
                        refused.reason().wireName(),
                        refusalMessage(refused),
                        refused.taskKey(),
                        refused.requestId(),
                        refused.decisionId(),
                        refused.agentId(),
                        refused.mode().wireName(),
                        refused.fencingToken(),
                        refused.currentFencingToken(),
                        refused.heldBy(),
                        refused.expiresAt() == null ? null : refused.expiresAt().toString(),
                        null,
                        refused.redelivery());
        };
    }

    private static HolderReply accepted(
            ClaimEvent event, String result, String message, String expiresAt, String outcome) {
        return new HolderReply(
                true,
                result,
                null,
                message,
                event.taskKey(),
                event.requestId(),
                event.decisionId(),
                event.agentId(),
                event.mode().wireName(),
                event.fencingToken(),
                null,
                null,
                expiresAt,
                outcome,
                event.redelivery());
    }

    /** What the refusal means for the agent, in one sentence. */
    static String refusalMessage(RequestRefused refused) {
        var token = refused.fencingToken();
        var key = refused.taskKey();
        return switch (refused.reason()) {
            case NO_ACTIVE_CLAIM -> "Nobody holds " + key + ": claim it first";
            case STALE_TOKEN ->
                "Fencing token " + token + " is stale: " + refused.heldBy() + " holds " + key + " with token "
                        + refused.currentFencingToken() + ". Stop working on it: another agent took over";
            case NOT_HOLDER ->
                "Fencing token " + token + " of " + key + " belongs to " + refused.heldBy() + ", not "
                        + refused.agentId();
            case LEASE_EXPIRED ->
                "The lease on " + key + " with token " + token + " expired at " + refused.expiresAt()
                        + "; stop working on it, or claim it again";
            case ALREADY_RELEASED -> "The claim on " + key + " with token " + token + " was already released";
            case ALREADY_COMPLETED -> "The claim on " + key + " with token " + token + " already reported its outcome";
            case NOT_A_LEASE ->
                "The claim on " + key + " with token " + token
                        + " is a once claim: it never expires, so there is nothing to renew";
            case REQUEST_ID_REUSED ->
                "Request id " + refused.requestId() + " already names a different request on " + key
                        + "; use a new request id (the same one only to retry the same request)";
        };
    }
}
