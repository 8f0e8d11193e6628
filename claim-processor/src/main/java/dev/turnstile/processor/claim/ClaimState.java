package dev.turnstile.processor.claim;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the processor remembers about one task key: the holder, the last decision's sequence, and the answers to
 * the most recent requests (so that a retried request id gets its original answer).
 *
 * @param sequence sequence number of the key's last decision, 0 before the first
 * @param holder the agent that was granted the key, or null while nobody holds it
 * @param recent answers to the latest requests, oldest first, at most {@link #RECENT_ANSWERS}
 */
public record ClaimState(long sequence, Holder holder, List<Answer> recent) {

    /** How many answers are kept per key for retries; the holder's own request is always remembered. */
    public static final int RECENT_ANSWERS = 32;

    public static final ClaimState EMPTY = new ClaimState(0, null, List.of());

    public ClaimState {
        recent = recent == null ? List.of() : List.copyOf(recent);
    }

    /**
     * The agent holding the key.
     *
     * @param agentId who holds it
     * @param requestId the request that was granted
     * @param since when the grant was made (the command's timestamp)
     * @param sequence the grant's sequence number
     */
    public record Holder(String agentId, String requestId, Instant since, long sequence) {}

    /**
     * The answer given to one request.
     *
     * @param requestId the request
     * @param sequence the decision's sequence number
     * @param agentId who asked
     * @param attemptedAt when
     * @param granted whether it was granted
     */
    public record Answer(String requestId, long sequence, String agentId, Instant attemptedAt, boolean granted) {}

    /** The answer earlier given to {@code requestId}, if it is still remembered. */
    Optional<Answer> answerTo(String requestId) {
        if (holder != null && holder.requestId().equals(requestId)) {
            return Optional.of(new Answer(requestId, holder.sequence(), holder.agentId(), holder.since(), true));
        }
        for (int i = recent.size() - 1; i >= 0; i--) {
            if (recent.get(i).requestId().equals(requestId)) {
                return Optional.of(recent.get(i));
            }
        }
        return Optional.empty();
    }

    /** This state after a new decision answered {@code answer}. */
    ClaimState answered(Answer answer, Holder newHolder) {
        var answers = new ArrayList<Answer>(Math.min(recent.size() + 1, RECENT_ANSWERS));
        int from = Math.max(0, recent.size() + 1 - RECENT_ANSWERS);
        answers.addAll(recent.subList(from, recent.size()));
        answers.add(answer);
        return new ClaimState(answer.sequence(), newHolder, answers);
    }
}
