package dev.turnstile.processor.claim;

import dev.turnstile.contracts.claim.ClaimCommand;
import dev.turnstile.contracts.claim.ClaimDenied;
import dev.turnstile.contracts.claim.ClaimEvent;
import dev.turnstile.contracts.claim.ClaimGranted;
import dev.turnstile.contracts.claim.ClaimRequested;
import java.util.List;

/**
 * Decides claims. A pure function of the key's state and the command: it reads no clock, draws no random
 * numbers and touches no I/O, so replaying a key's command log reproduces its decisions exactly.
 */
public final class ClaimDecider {

    /** The events that answer {@code command}, given the key's {@code state}. */
    public List<ClaimEvent> decide(ClaimCommand command, ClaimState state) {
        return switch (command) {
            case ClaimRequested request -> List.of(decideClaim(request, state));
        };
    }

    /** The key's state after {@code events}. */
    public ClaimState evolve(ClaimState state, List<ClaimEvent> events) {
        var result = state;
        for (var event : events) {
            result = evolve(result, event);
        }
        return result;
    }

    /** The key's state after one event. */
    public ClaimState evolve(ClaimState state, ClaimEvent event) {
        if (event.redelivery()) {
            return state;
        }
        var answer = new ClaimState.Answer(
                event.requestId(), event.sequence(), event.agentId(), event.attemptedAt(), event.wasGranted());
        return switch (event) {
            case ClaimGranted granted -> state.answered(
                    answer,
                    new ClaimState.Holder(
                            granted.agentId(), granted.requestId(), granted.attemptedAt(), granted.sequence()));
            case ClaimDenied denied -> state.answered(answer, state.holder());
        };
    }

    private static ClaimEvent decideClaim(ClaimRequested request, ClaimState state) {
        var earlier = state.answerTo(request.requestId());
        if (earlier.isPresent()) {
            return answer(request, earlier.get(), state.holder(), true);
        }
        var answer = new ClaimState.Answer(
                request.requestId(),
                state.sequence() + 1,
                request.agentId(),
                request.requestedAt(),
                state.holder() == null);
        return answer(request, answer, state.holder(), false);
    }

    /** The event for {@code answer}; a denial names the holder. */
    private static ClaimEvent answer(
            ClaimRequested request, ClaimState.Answer answer, ClaimState.Holder holder, boolean redelivery) {
        var decisionId = ClaimEvent.decisionId(request.taskKey(), answer.sequence());
        if (answer.granted()) {
            return new ClaimGranted(
                    ClaimGranted.SCHEMA_VERSION,
                    decisionId,
                    answer.sequence(),
                    answer.requestId(),
                    request.taskKey(),
                    request.project(),
                    request.task(),
                    request.gitSha(),
                    answer.agentId(),
                    answer.attemptedAt(),
                    redelivery);
        }
        return new ClaimDenied(
                ClaimDenied.SCHEMA_VERSION,
                decisionId,
                answer.sequence(),
                answer.requestId(),
                request.taskKey(),
                request.project(),
                request.task(),
                request.gitSha(),
                answer.agentId(),
                answer.attemptedAt(),
                redelivery,
                holder.agentId(),
                holder.since());
    }
}
