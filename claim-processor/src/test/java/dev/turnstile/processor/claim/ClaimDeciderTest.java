package dev.turnstile.processor.claim;

import static dev.turnstile.processor.claim.Commands.DEPLOY;
import static dev.turnstile.processor.claim.Commands.claim;
import static org.assertj.core.api.Assertions.assertThat;

import dev.turnstile.contracts.claim.ClaimCommand;
import dev.turnstile.contracts.claim.ClaimEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The claim rules against the pure decider: no Kafka, microseconds per test. */
class ClaimDeciderTest extends LeaseSemanticsContract {

    private final ClaimDecider decider = new ClaimDecider();

    @Override
    List<ClaimEvent> run(List<ClaimCommand> commands) {
        var states = new HashMap<String, ClaimState>();
        var emitted = new ArrayList<ClaimEvent>();
        for (var command : commands) {
            var state = states.getOrDefault(command.taskKey(), ClaimState.EMPTY);
            var events = decider.decide(command, state);
            states.put(command.taskKey(), decider.evolve(state, events));
            emitted.addAll(events);
        }
        return emitted;
    }

    @Test
    void state_keeps_a_bounded_number_of_answers_however_many_attempts() {
        var state = ClaimState.EMPTY;
        for (int i = 0; i < 500; i++) {
            var command = claim(DEPLOY, "agent-" + i, "req-" + (10_000 + i), i);
            state = decider.evolve(state, decider.decide(command, state));
        }

        assertThat(state.recent()).hasSize(ClaimState.RECENT_ANSWERS);
        assertThat(state.sequence()).isEqualTo(500);
        assertThat(state.holder().agentId()).isEqualTo("agent-0");
    }

    @Test
    void the_same_command_log_always_yields_the_same_decisions() {
        var log = new ArrayList<ClaimCommand>();
        IntStream.range(0, 40).forEach(i -> log.add(claim(DEPLOY, "agent-" + (i % 7), "req-" + (3000 + i % 11), i)));

        assertThat(run(log)).isEqualTo(run(log));
    }
}
