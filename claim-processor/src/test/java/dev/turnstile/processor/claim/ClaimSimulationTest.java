package dev.turnstile.processor.claim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.turnstile.contracts.claim.LeaseExpired;
import dev.turnstile.contracts.claim.LeaseRenewed;
import dev.turnstile.contracts.claim.RefusalReason;
import dev.turnstile.contracts.claim.RequestRefused;
import dev.turnstile.contracts.topic.ClaimTopics;
import dev.turnstile.processor.config.ProcessorTestConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;

/**
 * Deterministic simulation of the claim rules: random schedules of claims, renewals, releases, completions, expiry
 * checks, client retries (same request id), request ids reused by other agents, time passing and processor crashes,
 * each checked step by step by {@link ClaimHistoryChecker}. A failure prints the seed and the failing schedule cut
 * down to the steps that still break the rule; {@code -DQT_SEED=<seed>} runs it again. The budget here is
 * {@value #SCHEDULES} schedules of up to {@value #MAX_STEPS} steps; a long run sets {@code -DQT_EXAMPLES=<n>} (see
 * the README).
 */
class ClaimSimulationTest {

    private static final int SCHEDULES = 10_000;
    private static final int MAX_STEPS = 120;

    @Test
    void every_schedule_keeps_every_claim_invariant() {
        qt().withExamples(Integer.getInteger("QT_EXAMPLES", SCHEDULES))
                .withShrinkCycles(0)
                .forAll(ClaimSchedule.schedules(MAX_STEPS))
                .checkAssert(ClaimSimulationTest::runOrReportTheSmallestFailure);
    }

    /** The adapter (stores, remembered answers, headers) changes nothing: the topology decides as the decider does. */
    @Test
    void the_production_topology_decides_every_schedule_as_the_simulated_processor_does() {
        qt().withExamples(Integer.getInteger("QT_TOPOLOGY_EXAMPLES", 100))
                .withShrinkCycles(0)
                .forAll(ClaimSchedule.schedules(MAX_STEPS))
                .checkAssert(schedule -> {
                    var simulation = ClaimSimulation.run(schedule);
                    var topics = ClaimTopics.DEFAULT;
                    var topology = ClaimTopology.build(topics, Duration.ZERO, ClaimSimulation.REQUEST_MEMORY);
                    try (var driver = new TopologyTestDriver(
                            topology, ProcessorTestConfig.productionStreamsConfig(), ClaimSimulation.T0)) {
                        var requests = driver.createInputTopic(
                                topics.requests().name(),
                                topics.requests().keySerde().serializer(),
                                topics.requests().valueSerde().serializer());
                        var decisions = driver.createOutputTopic(
                                topics.decisions().name(),
                                topics.decisions().keySerde().deserializer(),
                                topics.decisions().valueSerde().deserializer());
                        simulation
                                .log()
                                .forEach(command -> requests.pipeInput(
                                        command.taskKey(),
                                        command,
                                        command.timestamp().toEpochMilli()));

                        assertThat(decisions.readValuesToList()).isEqualTo(simulation.decisions());
                    }
                });
    }

    @Test
    void the_simulation_reaches_the_states_its_invariants_are_about() {
        var runs = new ArrayList<ClaimSimulation>();
        qt().withFixedSeed(20261126L)
                .withExamples(300)
                .forAll(ClaimSchedule.schedules(MAX_STEPS))
                .checkAssert(schedule -> runs.add(ClaimSimulation.run(schedule)));

        var decisions = runs.stream().flatMap(run -> run.decisions().stream()).toList();
        assertThat(decisions).anyMatch(event -> event instanceof LeaseExpired);
        assertThat(decisions).anyMatch(event -> event instanceof LeaseRenewed);
        assertThat(decisions)
                .anyMatch(event ->
                        event instanceof RequestRefused refused && refused.reason() == RefusalReason.REQUEST_ID_REUSED);
        assertThat(decisions).anyMatch(event -> event.wasGranted() && event.redelivery());
        assertThat(decisions).anyMatch(event -> event.wasGranted() && event.fencingToken() >= 3);
        assertThat(runs).anyMatch(run -> run.crashes() > 0);
    }

    /** Runs the schedule; on a broken rule, fails with the fewest of its steps that still break that rule. */
    private static void runOrReportTheSmallestFailure(ClaimSchedule schedule) {
        try {
            ClaimSimulation.run(schedule);
        } catch (AssertionError failure) {
            var rule = ruleOf(failure);
            var smallest = smallestFailing(schedule.steps(), rule);
            var again = failureOf(smallest);
            throw new AssertionError(
                    "A schedule of " + schedule.steps().size() + " steps breaks a rule; the "
                            + smallest.size() + " steps that still break it:\n  "
                            + String.join(
                                    "\n  ",
                                    smallest.stream().map(Object::toString).toList())
                            + "\n" + (again == null ? failure.getMessage() : again.getMessage()),
                    failure);
        }
    }

    /** Delta debugging: drops chunks of steps, then single steps, while the same rule still breaks. */
    private static List<ClaimSchedule.Step> smallestFailing(List<ClaimSchedule.Step> steps, String rule) {
        var current = new ArrayList<>(steps);
        for (int chunk = Math.max(1, current.size() / 2); chunk >= 1; chunk /= 2) {
            boolean removed = true;
            while (removed) {
                removed = false;
                for (int from = 0; from < current.size(); from += chunk) {
                    var candidate = new ArrayList<>(current);
                    candidate
                            .subList(from, Math.min(candidate.size(), from + chunk))
                            .clear();
                    var failure = failureOf(candidate);
                    if (failure != null && ruleOf(failure).equals(rule)) {
                        current = candidate;
                        removed = true;
                        break;
                    }
                }
            }
        }
        return current;
    }

    private static AssertionError failureOf(List<ClaimSchedule.Step> steps) {
        try {
            ClaimSimulation.run(new ClaimSchedule(steps));
            return null;
        } catch (AssertionError failure) {
            return failure;
        }
    }

    private static String ruleOf(AssertionError failure) {
        var message = String.valueOf(failure.getMessage());
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }
}
