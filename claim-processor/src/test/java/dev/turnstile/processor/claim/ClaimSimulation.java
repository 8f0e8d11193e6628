package dev.turnstile.processor.claim;

import static dev.turnstile.processor.claim.ClaimSchedule.KEYS;
import static dev.turnstile.processor.claim.ClaimSchedule.POLICIES;

import dev.turnstile.contracts.claim.ClaimCommand;
import dev.turnstile.contracts.claim.ClaimEvent;
import dev.turnstile.contracts.claim.ClaimOutcome;
import dev.turnstile.contracts.claim.ClaimRequested;
import dev.turnstile.contracts.claim.CompletionReported;
import dev.turnstile.contracts.claim.ExpireDue;
import dev.turnstile.contracts.claim.LeaseRenewRequested;
import dev.turnstile.contracts.claim.ReleaseRequested;
import dev.turnstile.processor.decision.ClaimDecider;
import dev.turnstile.processor.decision.ClaimState;
import dev.turnstile.processor.decision.RememberedAnswer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs a {@link ClaimSchedule} against the pure decider the way the processor does (state and remembered answers per
 * key, decisions in log order), crashing and recovering where the schedule says, and hands every command and its
 * decisions to the {@link ClaimHistoryChecker}. Deterministic: the same schedule always yields the same run.
 */
final class ClaimSimulation {

    static final Instant T0 = Instant.parse("2026-11-26T00:00:00Z");

    /** Short, so that schedules reach the end of a request id's memory. */
    static final Duration REQUEST_MEMORY = Duration.ofSeconds(300);

    /** The processor: the decider and what it stores. */
    static final class Processor {
        final ClaimDecider decider = new ClaimDecider(REQUEST_MEMORY);
        Map<String, ClaimState> states = new HashMap<>();
        Map<String, RememberedAnswer> answers = new HashMap<>();

        List<ClaimEvent> process(ClaimCommand command) {
            var state = states.getOrDefault(command.taskKey(), ClaimState.EMPTY);
            var answerKey = command.taskKey() + '|' + command.requestId();
            var earlier = command instanceof ExpireDue
                    ? Optional.<RememberedAnswer>empty()
                    : Optional.ofNullable(answers.get(answerKey));
            var events = decider.decide(command, state, earlier);
            states.put(command.taskKey(), decider.evolve(state, events));
            decider.answerToRemember(command, earlier, events).ifPresent(answer -> answers.put(answerKey, answer));
            return events;
        }

        Snapshot snapshot() {
            return new Snapshot(Map.copyOf(states), Map.copyOf(answers));
        }

        void restore(Snapshot snapshot) {
            states = new HashMap<>(snapshot.states());
            answers = new HashMap<>(snapshot.answers());
        }
    }

    /** The processor's stores at a commit. */
    record Snapshot(Map<String, ClaimState> states, Map<String, RememberedAnswer> answers) {}

    private final Processor processor = new Processor();
    private final ClaimHistoryChecker checker = new ClaimHistoryChecker(REQUEST_MEMORY);
    private final List<ClaimCommand> log = new ArrayList<>();
    private final List<List<ClaimEvent>> decided = new ArrayList<>();
    private final List<Snapshot> commits = new ArrayList<>();
    private final List<String> requestIds = new ArrayList<>();
    /** The last token each agent was granted on each key, as the agent heard it. */
    private final Map<String, Long> tokens = new HashMap<>();

    private final Map<String, Long> lastGrantedToken = new HashMap<>();
    private Instant now = T0;
    private int nextRequest;
    private int crashes;

    /** Runs {@code schedule} step by step; throws {@link AssertionError} at the first broken invariant. */
    static ClaimSimulation run(ClaimSchedule schedule) {
        var simulation = new ClaimSimulation();
        for (var step : schedule.steps()) {
            simulation.step(step);
        }
        simulation.finish();
        return simulation;
    }

    /** The command log, in order. */
    List<ClaimCommand> log() {
        return List.copyOf(log);
    }

    /** Every decision, in order. */
    List<ClaimEvent> decisions() {
        return decided.stream().flatMap(List::stream).toList();
    }

    int crashes() {
        return crashes;
    }

    private void step(ClaimSchedule.Step step) {
        switch (step) {
            case ClaimSchedule.Claim claim -> append(claimOf(claim));
            case ClaimSchedule.Holder holder -> append(holderCommandOf(holder));
            case ClaimSchedule.Retry retry -> {
                var sent = log.stream()
                        .filter(command -> !(command instanceof ExpireDue))
                        .toList();
                if (!sent.isEmpty()) {
                    append(retimed(sent.get(retry.index() % sent.size()), now));
                }
            }
            case ClaimSchedule.ExpiryCheck check -> {
                var key = KEYS.get(check.key());
                long token = lastGrantedToken.getOrDefault(key.value(), 1L) + check.tokenOffset();
                append(ExpireDue.of(key, Math.max(1, token), now));
            }
            case ClaimSchedule.Advance advance -> now = now.plusSeconds(advance.seconds());
            case ClaimSchedule.Crash crash -> crash(crash.back());
        }
    }

    private ClaimRequested claimOf(ClaimSchedule.Claim claim) {
        String requestId;
        if (claim.reuse() < 0 || requestIds.isEmpty()) {
            requestId = "req-" + nextRequest++;
            requestIds.add(requestId);
        } else {
            requestId = requestIds.get(claim.reuse() % requestIds.size());
        }
        return ClaimRequested.of(
                KEYS.get(claim.key()), agent(claim.agent()), requestId, now, POLICIES.get(claim.policy()));
    }

    private ClaimCommand holderCommandOf(ClaimSchedule.Holder holder) {
        var key = KEYS.get(holder.key());
        var agent = agent(holder.agent());
        long token = Math.max(1, tokens.getOrDefault(agent + "@" + key.value(), 1L) + holder.tokenOffset());
        var requestId = "req-" + nextRequest++;
        requestIds.add(requestId);
        return switch (holder.action()) {
            case RENEW -> LeaseRenewRequested.of(key, agent, token, null, requestId, now);
            case RELEASE -> ReleaseRequested.of(key, agent, token, requestId, now);
            case SUCCEED -> CompletionReported.of(key, agent, token, ClaimOutcome.SUCCEEDED, requestId, now);
            case FAIL -> CompletionReported.of(key, agent, token, ClaimOutcome.FAILED, requestId, now);
        };
    }

    private static String agent(int index) {
        return "agent-" + index;
    }

    /** The processor decides the next command of the log; the decisions are committed at once. */
    private void append(ClaimCommand command) {
        log.add(command);
        var events = processor.process(command);
        decided.add(events);
        commits.add(processor.snapshot());
        checker.decided(command, events);
        for (var event : events) {
            if (event.wasGranted()) {
                tokens.put(event.agentId() + "@" + event.taskKey(), event.fencingToken());
                lastGrantedToken.merge(event.taskKey(), event.fencingToken(), Math::max);
            }
        }
    }

    /**
     * The processor's state goes back to the commit {@code back} commands ago (its later output aborted) and it
     * decides the rest of the log again: every decision must come out the same as before.
     */
    private void crash(int back) {
        if (log.isEmpty()) {
            return;
        }
        crashes++;
        int from = Math.max(0, log.size() - back);
        processor.restore(from == 0 ? new Snapshot(Map.of(), Map.of()) : commits.get(from - 1));
        for (int i = from; i < log.size(); i++) {
            var again = processor.process(log.get(i));
            checker.redecided(log.get(i), decided.get(i), again);
            commits.set(i, processor.snapshot());
        }
    }

    /** End of the run: replay from offset 0, and the stored state is what the decisions fold to. */
    private void finish() {
        var replay = new Processor();
        var replayed = new ArrayList<List<ClaimEvent>>();
        for (var command : log) {
            replayed.add(replay.process(command));
        }
        checker.replayed(decided, replayed);
        checker.finished(processor.states, processor.decider);
    }

    /** The same request sent again at {@code at}: a client retry. */
    static ClaimCommand retimed(ClaimCommand command, Instant at) {
        return switch (command) {
            case ClaimRequested claim -> new ClaimRequested(claim.header(), claim.agentId(), at, claim.policy());
            case LeaseRenewRequested renew ->
                new LeaseRenewRequested(renew.header(), renew.agentId(), renew.fencingToken(), renew.ttlSeconds(), at);
            case ReleaseRequested release ->
                new ReleaseRequested(release.header(), release.agentId(), release.fencingToken(), at);
            case CompletionReported completion ->
                new CompletionReported(
                        completion.header(), completion.agentId(), completion.fencingToken(), completion.outcome(), at);
            case ExpireDue check -> new ExpireDue(check.header(), check.fencingToken(), at);
        };
    }
}
