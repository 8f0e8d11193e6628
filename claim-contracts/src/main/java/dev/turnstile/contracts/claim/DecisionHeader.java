package dev.turnstile.contracts.claim;

import java.time.Instant;
import java.util.Objects;

/**
 * What every decision says about the attempt it answers and its place in the key's log. Unwrapped on the wire: its
 * fields sit at the top level of each record of {@code claim-decisions}, as they always have.
 *
 * @param schemaVersion version of the record's shape, {@link #SCHEMA_VERSION} when written
 * @param decisionId {@code <taskKey>#<sequence>}: unique per decision and stable across replays
 * @param sequence position of the decision among the key's decisions, from 1, strictly increasing
 * @param requestId the request the decision answers (for {@link LeaseExpired}: the command whose time revealed the
 *     expiry)
 * @param taskKey {@code project:task:gitSha}, also the record key
 * @param agentId the agent that asked (for {@link LeaseExpired}: the holder whose lease ran out)
 * @param attemptedAt when the attempt was made: the command's timestamp
 * @param redelivery true when the record repeats an earlier decision for a retried request (or a holder asking
 *     again): counting consumers skip it, or deduplicate by {@code decisionId}
 */
public record DecisionHeader(
        int schemaVersion,
        String decisionId,
        long sequence,
        String requestId,
        String taskKey,
        String project,
        String task,
        String gitSha,
        String agentId,
        Instant attemptedAt,
        boolean redelivery) {

    public static final int SCHEMA_VERSION = 1;

    public DecisionHeader {
        Objects.requireNonNull(decisionId, "decisionId");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(taskKey, "taskKey");
        Objects.requireNonNull(attemptedAt, "attemptedAt");
    }

    /** The header of the key's {@code sequence}-th decision, on {@code command}, about {@code agentId}. */
    public static DecisionHeader of(ClaimCommand command, long sequence, String agentId) {
        var header = command.header();
        return new DecisionHeader(
                SCHEMA_VERSION,
                decisionId(header.taskKey(), sequence),
                sequence,
                header.requestId(),
                header.taskKey(),
                header.project(),
                header.task(),
                header.gitSha(),
                agentId,
                command.timestamp(),
                false);
    }

    /** The decision id for a key's {@code sequence}-th decision. */
    public static String decisionId(String taskKey, long sequence) {
        return taskKey + "#" + sequence;
    }

    /** The same header, marked as repeating its decision. */
    public DecisionHeader asRedelivery() {
        return new DecisionHeader(
                schemaVersion,
                decisionId,
                sequence,
                requestId,
                taskKey,
                project,
                task,
                gitSha,
                agentId,
                attemptedAt,
                true);
    }

    /** The same header, answering {@code otherRequestId} (the holder asking again under a new id). */
    public DecisionHeader answering(String otherRequestId) {
        return new DecisionHeader(
                schemaVersion,
                decisionId,
                sequence,
                otherRequestId,
                taskKey,
                project,
                task,
                gitSha,
                agentId,
                attemptedAt,
                redelivery);
    }
}
