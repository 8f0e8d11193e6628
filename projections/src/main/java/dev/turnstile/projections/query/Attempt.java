package dev.turnstile.projections.query;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.turnstile.contracts.claim.DecisionType;
import java.time.Instant;

/**
 * One claim attempt as the dashboard shows it: a decision from the {@code claim-decisions} topic.
 *
 * @param decisionId unique and stable: {@code <taskKey>#<sequence>}
 * @param taskKey {@code project:task:gitSha}
 * @param project the project
 * @param task the task
 * @param gitSha the commit, lower case
 * @param agentId the agent that asked
 * @param requestId the request the decision answers
 * @param attemptedAt when the agent asked
 * @param wasGranted true when the agent was told to proceed
 * @param claimedBy when denied, the agent holding the task; {@code null} when granted
 * @param claimedAt when denied, when the holder's claim was granted; {@code null} when granted
 * @param kind the event type ({@code ClaimGranted}, {@code ClaimDenied}; later lease events may appear)
 */
@JsonIgnoreProperties(value = "result", allowGetters = true)
public record Attempt(
        String decisionId,
        String taskKey,
        String project,
        String task,
        String gitSha,
        String agentId,
        String requestId,
        Instant attemptedAt,
        boolean wasGranted,
        String claimedBy,
        Instant claimedAt,
        String kind) {

    /**
     * The filter's {@link Result} of this attempt; in JSON as {@code "result": "granted" | "blocked"}. Null for a
     * decision that answers no claim (a lease released or expired, a completion, a refused request).
     */
    @JsonProperty("result")
    public Result result() {
        if (!isClaim()) {
            return null;
        }
        return wasGranted ? Result.GRANTED : Result.BLOCKED;
    }

    /**
     * True for a claim's answer (granted or denied), the decisions that the stats count; attempts stored before kinds
     * were kept have none and are claims.
     */
    @JsonIgnore
    public boolean isClaim() {
        return kind == null
                || DecisionType.fromWireName(kind).map(DecisionType::isClaim).orElse(false);
    }
}
