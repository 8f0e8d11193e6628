package dev.turnstile.processor.jobstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.turnstile.contracts.job.ClaimNextParked;
import dev.turnstile.contracts.job.FailureKind;
import dev.turnstile.contracts.job.JobAlreadyEnqueued;
import dev.turnstile.contracts.job.JobCancelled;
import dev.turnstile.contracts.job.JobClaimed;
import dev.turnstile.contracts.job.JobDeleted;
import dev.turnstile.contracts.job.JobEvent;
import dev.turnstile.contracts.job.JobFailed;
import dev.turnstile.contracts.job.JobReady;
import dev.turnstile.contracts.job.JobRefusalReason;
import dev.turnstile.contracts.job.JobRequestRefused;
import dev.turnstile.contracts.job.JobRetried;
import dev.turnstile.contracts.job.JobState;
import dev.turnstile.contracts.job.NoJobAvailable;
import dev.turnstile.contracts.job.NoJobReason;
import dev.turnstile.contracts.topic.JobTopics;
import dev.turnstile.processor.config.ProcessorTestConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;

/**
 * Deterministic simulation of work queues: random schedules of enqueues (priorities, delays, dedup keys, repeated
 * job ids), workers claiming, heartbeating, completing, failing and logging with current and stale tokens,
 * operators cancelling, retrying, deleting, pausing and setting concurrency, time passing, the timer scan, client
 * retries and reused request ids, and processor crashes, each checked step by step by {@link JobHistoryChecker}. A
 * failure prints the seed and the failing schedule cut down to the steps that still break the rule;
 * {@code -DQT_SEED=<seed>} runs it again. The budget is {@value #SCHEDULES} schedules of up to {@value #MAX_STEPS}
 * steps, and {@value #TOPOLOGY_SCHEDULES} through the production topology; a long run sets
 * {@code -DQT_JOB_EXAMPLES=<n>} and {@code -DQT_JOB_TOPOLOGY_EXAMPLES=<n>}.
 */
class JobSimulationTest {

    static final int SCHEDULES = 10_000;
    static final int TOPOLOGY_SCHEDULES = 100;
    static final int MAX_STEPS = 120;

    @Test
    void every_schedule_keeps_every_work_queue_invariant() {
        qt().withExamples(Integer.getInteger("QT_JOB_EXAMPLES", SCHEDULES))
                .withShrinkCycles(0)
                .forAll(JobSchedule.schedules(MAX_STEPS))
                .checkAssert(JobSimulationTest::runOrReportTheSmallestFailure);
    }

    /** The adapter (RocksDB stores, indexes, answers, headers) changes nothing: the topology decides as the simulation. */
    @Test
    void the_production_topology_decides_every_schedule_as_the_simulated_processor_does() {
        var topics = JobTopics.DEFAULT;
        var settings = new JobTopology.Settings(Duration.ZERO, JobSimulation.REQUEST_MEMORY, JobSimulation.MAX_PARKED);
        // One driver for every schedule, each on a queue of its own a day after the last: RocksDB opens once.
        try (var driver = new TopologyTestDriver(
                JobTopology.build(topics, settings), ProcessorTestConfig.productionStreamsConfig(), JobSimulation.T0)) {
            var requests = driver.createInputTopic(
                    topics.requests().name(),
                    topics.requests().keySerde().serializer(),
                    topics.requests().valueSerde().serializer());
            var events = driver.createOutputTopic(
                    topics.events().name(),
                    topics.events().keySerde().deserializer(),
                    topics.events().valueSerde().deserializer());
            var schedules = new int[1];
            qt().withExamples(Integer.getInteger("QT_JOB_TOPOLOGY_EXAMPLES", TOPOLOGY_SCHEDULES))
                    .withShrinkCycles(0)
                    .forAll(JobSchedule.schedules(MAX_STEPS))
                    .checkAssert(schedule -> {
                        int n = schedules[0]++;
                        var simulation = JobSimulation.run(
                                schedule,
                                "sim-" + n,
                                JobSimulation.T0.plus(Duration.ofDays(n)),
                                JobSimulation.decider()::decide);
                        simulation
                                .log()
                                .forEach(command -> requests.pipeInput(
                                        command.queue(),
                                        command,
                                        command.timestamp().toEpochMilli()));

                        assertThat(events.readValuesToList()).isEqualTo(simulation.events());
                    });
        }
    }

    @Test
    void the_simulation_reaches_the_states_its_invariants_are_about() {
        var runs = new ArrayList<JobSimulation>();
        qt().withFixedSeed(20261126L)
                .withExamples(300)
                .forAll(JobSchedule.schedules(MAX_STEPS))
                .checkAssert(schedule -> runs.add(JobSimulation.run(schedule)));

        var events = runs.stream().flatMap(run -> run.events().stream()).toList();
        assertReached(
                events,
                "a grant to a parked claim",
                event -> event instanceof JobClaimed claimed
                        && !event.redelivery()
                        && claimed.requestId().startsWith("req-")
                        && events.stream()
                                .anyMatch(parked -> parked instanceof ClaimNextParked
                                        && parked.requestId().equals(claimed.requestId())
                                        && parked.queue().equals(claimed.queue())));
        assertReached(
                events, "a third attempt", event -> event instanceof JobClaimed claimed && claimed.attempt() == 3);
        assertReached(
                events,
                "a lease run out",
                event -> event instanceof JobFailed failed && failed.failure() == FailureKind.LEASE_EXPIRED);
        assertReached(
                events, "a dead job", event -> event instanceof JobFailed failed && failed.state() == JobState.DEAD);
        assertReached(events, "a delay or backoff ended", event -> event instanceof JobReady);
        assertReached(
                events,
                "a wait run out",
                event -> event instanceof NoJobAvailable none && none.reason() == NoJobReason.WAIT_EXPIRED);
        assertReached(
                events,
                "too many waiters",
                event -> event instanceof NoJobAvailable none && none.reason() == NoJobReason.TOO_MANY_WAITERS);
        assertReached(
                events,
                "the concurrency limit",
                event -> event instanceof NoJobAvailable none && none.reason() == NoJobReason.CONCURRENCY_LIMIT);
        assertReached(
                events,
                "a paused queue",
                event -> event instanceof NoJobAvailable none && none.reason() == NoJobReason.QUEUE_PAUSED);
        assertReached(
                events,
                "an active job cancelled",
                event -> event instanceof JobCancelled cancelled && cancelled.previousState() == JobState.ACTIVE);
        assertReached(events, "a dead job retried", event -> event instanceof JobRetried);
        assertReached(events, "a job deleted", event -> event instanceof JobDeleted);
        assertReached(
                events,
                "a dedup key matched",
                event -> event instanceof JobAlreadyEnqueued existing
                        && existing.matchedBy() == dev.turnstile.contracts.job.DedupMatch.DEDUP_KEY);
        for (var reason : List.of(
                JobRefusalReason.STALE_TOKEN,
                JobRefusalReason.NOT_HOLDER,
                JobRefusalReason.LEASE_EXPIRED,
                JobRefusalReason.CANCELLED,
                JobRefusalReason.ALREADY_COMPLETED,
                JobRefusalReason.REQUEST_ID_REUSED)) {
            assertReached(
                    events,
                    "a refusal with " + reason.wireName(),
                    event -> event instanceof JobRequestRefused refused && refused.reason() == reason);
        }
        assertReached(events, "a redelivered grant", event -> event instanceof JobClaimed && event.redelivery());
        assertReached(events, "a redelivered parking", event -> event instanceof ClaimNextParked && event.redelivery());
        assertThat(runs).anyMatch(run -> run.crashes() > 0);
    }

    private static void assertReached(List<JobEvent> events, String what, Predicate<JobEvent> reached) {
        assertThat(events).as(what).anyMatch(reached);
    }

    /** Runs the schedule; on a broken rule, fails with the fewest of its steps that still break that rule. */
    static void runOrReportTheSmallestFailure(JobSchedule schedule) {
        try {
            JobSimulation.run(schedule);
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
    private static List<JobSchedule.Step> smallestFailing(List<JobSchedule.Step> steps, String rule) {
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

    private static AssertionError failureOf(List<JobSchedule.Step> steps) {
        try {
            JobSimulation.run(new JobSchedule(steps));
            return null;
        } catch (AssertionError failure) {
            return failure;
        }
    }

    static String ruleOf(AssertionError failure) {
        var message = String.valueOf(failure.getMessage());
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }
}
