package dev.turnstile.gateway.claim;

import dev.turnstile.contracts.claim.ClaimStatus;
import dev.turnstile.contracts.claim.FieldViolation;
import dev.turnstile.contracts.claim.TaskKey;
import dev.turnstile.contracts.http.OutcomeReply;
import dev.turnstile.contracts.http.ProblemType;
import dev.turnstile.gateway.api.ApiContract;
import dev.turnstile.gateway.claim.ClaimOutcomes.Standing;
import dev.turnstile.gateway.security.AgentApi;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;

/**
 * {@code GET /api/claim/outcome?taskKey=…&waitSeconds=…}: how did the winner's claim end? With {@code waitSeconds}
 * it long-polls: it answers as soon as the claim ends, else when the wait is over with {@code active}. Fed by the
 * decisions this gateway hears (see {@link ClaimOutcomes} for its limits).
 */
@RestController
@AgentApi
class OutcomeController {

    private static final Set<String> PARAMETERS = Set.of("taskKey", "waitSeconds");

    private final ClaimOutcomes outcomes;
    private final Replies replies;
    private final Duration maxWait;

    OutcomeController(ClaimOutcomes outcomes, Replies replies, Duration maxWait) {
        this.outcomes = outcomes;
        this.replies = replies;
        this.maxWait = maxWait;
    }

    @ApiContract(
            summary = "How did the winner's claim end? Long-polls with waitSeconds",
            query = {"taskKey", "waitSeconds"},
            answers =
                    @ApiContract.Answer(status = 200, body = OutcomeReply.class, description = "Where the key stands"))
    @GetMapping("/api/claim/outcome")
    DeferredResult<ResponseEntity<?>> outcome(HttpServletRequest request) {
        var violations = new ArrayList<FieldViolation>();
        request.getParameterMap().keySet().stream()
                .filter(name -> !PARAMETERS.contains(name))
                .forEach(name -> violations.add(new FieldViolation(
                        name,
                        "unknown",
                        "Unknown parameter \"" + name + "\": the parameters are taskKey, waitSeconds")));
        var key = taskKey(request.getParameter("taskKey"), violations);
        var wait = waitSeconds(request.getParameter("waitSeconds"), violations);
        var result =
                new DeferredResult<ResponseEntity<?>>(maxWait.plusSeconds(10).toMillis());
        if (!violations.isEmpty()) {
            result.setResult(replies.badRequest(violations));
            return result;
        }
        var taskKey = key.orElseThrow().value();
        var standing = outcomes.awaitEnd(taskKey, Duration.ofSeconds(wait));
        if (standing.isEmpty()) {
            result.setResult(replies.unavailable(
                    ClaimMetrics.Rejection.OVERLOADED,
                    ProblemType.OVERLOADED,
                    "Too many agents are waiting for outcomes on this gateway; retry shortly",
                    null));
            return result;
        }
        standing.get()
                .whenComplete((known, error) -> result.setResult(
                        error == null
                                ? ResponseEntity.ok(answer(taskKey, known))
                                : replies.failed("outcome of " + taskKey, null, error)));
        return result;
    }

    private static Optional<TaskKey> taskKey(String value, List<FieldViolation> violations) {
        if (value == null || value.isEmpty()) {
            violations.add(new FieldViolation(
                    "taskKey",
                    "required",
                    "taskKey is required: project:task:gitSha, e.g. hire:convex-deploy:3f9c2ab"));
            return Optional.empty();
        }
        try {
            return Optional.of(TaskKey.parse(value));
        } catch (IllegalArgumentException e) {
            violations.add(new FieldViolation("taskKey", "pattern", e.getMessage()));
            return Optional.empty();
        }
    }

    private long waitSeconds(String value, List<FieldViolation> violations) {
        if (value == null) {
            return 0;
        }
        long max = maxWait.toSeconds();
        try {
            long seconds = Long.parseLong(value);
            if (seconds >= 0 && seconds <= max) {
                return seconds;
            }
        } catch (NumberFormatException e) {
            // Reported below with the rule.
        }
        violations.add(new FieldViolation(
                "waitSeconds",
                "range",
                "waitSeconds must be a whole number from 0 to " + max + "; got \""
                        + (value.length() > 20 ? value.substring(0, 20) + "..." : value) + "\""));
        return 0;
    }

    private static OutcomeReply answer(String taskKey, Optional<Standing> known) {
        if (known.isEmpty()) {
            return new OutcomeReply(
                    taskKey,
                    "unknown",
                    false,
                    "This gateway has heard no decision on " + taskKey + " since it started; ask again (or claim it)",
                    null,
                    null,
                    null,
                    null,
                    null);
        }
        var standing = known.get();
        var holder = standing.holder();
        return new OutcomeReply(
                taskKey,
                holder.status().wireName(),
                holder.status().ended(),
                message(standing),
                holder.agentId(),
                holder.mode().wireName(),
                holder.fencingToken(),
                standing.decidedAt().toString(),
                holder.status() == ClaimStatus.ACTIVE && holder.expiresAt() != null
                        ? holder.expiresAt().toString()
                        : null);
    }

    private static String message(Standing standing) {
        var holder = standing.holder().agentId() + " (fencing token "
                + standing.holder().fencingToken() + ")";
        return switch (standing.status()) {
            case ACTIVE ->
                holder + " is running " + standing.taskKey()
                        + (standing.holder().expiresAt() == null
                                ? ""
                                : " under a lease until " + standing.holder().expiresAt());
            case SUCCEEDED -> holder + " reported that " + standing.taskKey() + " succeeded";
            case FAILED -> holder + " reported that " + standing.taskKey() + " failed";
            case EXPIRED ->
                "The lease of " + holder + " on " + standing.taskKey()
                        + " expired without an outcome; the next claimer wins";
            case RELEASED -> holder + " released " + standing.taskKey() + " without an outcome; the next claimer wins";
        };
    }
}
