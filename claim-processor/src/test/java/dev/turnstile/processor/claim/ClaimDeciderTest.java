package dev.turnstile.processor.claim;

import static dev.turnstile.processor.claim.Commands.DEPLOY;
import static dev.turnstile.processor.claim.Commands.T0;
import static dev.turnstile.processor.claim.Commands.claim;
import static org.assertj.core.api.Assertions.assertThat;

import dev.turnstile.contracts.claim.ClaimCommand;
import dev.turnstile.contracts.claim.ClaimEvent;
import dev.turnstile.contracts.claim.ClaimHolder;
import dev.turnstile.contracts.claim.ClaimMode;
import dev.turnstile.contracts.claim.ClaimStatus;
import dev.turnstile.contracts.json.Json;
import dev.turnstile.processor.decision.ClaimDecider;
import dev.turnstile.processor.decision.ClaimState;
import dev.turnstile.processor.decision.RememberedAnswer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The claim rules against the pure decider: no Kafka, microseconds per test. */
class ClaimDeciderTest extends LeaseSemanticsContract {

    private final ClaimDecider decider = new ClaimDecider();

    @Override
    List<ClaimEvent> run(List<ClaimCommand> commands) {
        var states = new HashMap<String, ClaimState>();
        var answers = new HashMap<String, RememberedAnswer>();
        var emitted = new ArrayList<ClaimEvent>();
        for (var command : commands) {
            var state = states.getOrDefault(command.taskKey(), ClaimState.EMPTY);
            var answerKey = command.taskKey() + '|' + command.requestId();
            var earlier = Optional.ofNullable(answers.get(answerKey));
            var events = decider.decide(command, state, earlier);
            states.put(command.taskKey(), decider.evolve(state, events));
            decider.answerToRemember(command, earlier, events).ifPresent(answer -> answers.put(answerKey, answer));
            emitted.addAll(events);
        }
        return emitted;
    }

    @Test
    void the_keys_state_stays_the_same_size_however_many_agents_ask() {
        var state = ClaimState.EMPTY;
        String afterOne = null;
        for (int i = 0; i < 500; i++) {
            var command = claim(DEPLOY, "agent-" + (100 + i), "req-" + (10_000 + i), i);
            state = decider.evolve(state, decider.decide(command, state, Optional.empty()));
            if (i == 0) {
                afterOne = Json.MAPPER.writeValueAsString(state);
            }
        }

        assertThat(state.sequence()).isEqualTo(500);
        assertThat(state.holder().agentId()).isEqualTo("agent-100");
        assertThat(Json.MAPPER.writeValueAsString(state))
                .isEqualTo(afterOne.replaceFirst("\"sequence\":1,", "\"sequence\":500,"));
    }

    @Test
    void states_stored_by_earlier_releases_are_read_as_they_were_meant() {
        var withLease = Json.MAPPER.readValue("""
                {"sequence":3,"holder":{"agentId":"agent-1","requestId":"req-1","since":"2026-11-23T10:30:00Z",\
                "sequence":1,"mode":"lease","fencingToken":2,"ttlSeconds":30,\
                "grantedExpiresAt":"2026-11-23T10:30:30Z","expiresAt":"2026-11-23T10:31:00Z",\
                "takeoverAfterFailure":true,"status":"RELEASED"},\
                "recent":[{"requestId":"req-2","sequence":2,"agentId":"agent-2","granted":false}],"fencingToken":2}""", ClaimState.class);
        var beforeLeases = Json.MAPPER.readValue("""
                {"sequence":2,"holder":{"agentId":"agent-1","requestId":"req-1","since":"2026-11-23T10:30:00Z",\
                "sequence":1},"recent":[]}""", ClaimState.class);

        assertThat(withLease.holder())
                .isEqualTo(new ClaimHolder(
                        "agent-1",
                        "req-1",
                        T0,
                        1,
                        ClaimMode.LEASE,
                        2,
                        30,
                        T0.plusSeconds(30),
                        T0.plusSeconds(60),
                        true,
                        ClaimStatus.RELEASED));
        assertThat(withLease.sequence()).isEqualTo(3);
        assertThat(beforeLeases.holder())
                .isEqualTo(new ClaimHolder(
                        "agent-1", "req-1", T0, 1, ClaimMode.ONCE, 1, null, null, null, false, ClaimStatus.ACTIVE));
        assertThat(beforeLeases.fencingToken()).isEqualTo(1);
    }

    @Test
    void the_same_command_log_always_yields_the_same_decisions() {
        var log = new ArrayList<ClaimCommand>();
        IntStream.range(0, 40).forEach(i -> log.add(claim(DEPLOY, "agent-" + (i % 7), "req-" + (3000 + i % 11), i)));

        assertThat(run(log)).isEqualTo(run(log));
    }
}
