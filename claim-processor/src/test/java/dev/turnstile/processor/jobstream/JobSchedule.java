package dev.turnstile.processor.jobstream;

import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.turnstile.contracts.job.Backoff;
import java.util.Arrays;
import java.util.List;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * A random schedule for the job simulation: what clients, workers and operators ask, in which order, how time
 * passes, when the processor's timer scan runs, which requests are retried or have their ids reused, and where the
 * processor crashes. Steps hold small numbers (indexes into the tables below, offsets) that the simulation turns into
 * commands against what has happened so far, so every schedule is valid and cuts down well.
 */
record JobSchedule(List<Step> steps) {

    /** Job ids clients enqueue: few, so that the same id comes again. */
    static final int JOBS = 6;

    static final int WORKERS = 4;
    static final int[] PRIORITIES = {0, 0, 1, 5, -1};
    static final int[] DELAYS = {0, 0, 0, 5, 20};
    static final String[] DEDUP_KEYS = {null, null, "k-0", "k-1"};
    static final int[] MAX_ATTEMPTS = {1, 2, 3};
    static final Backoff[] BACKOFFS = {Backoff.fixed(0), Backoff.fixed(3), Backoff.exponential(1, 4)};
    static final int[] LEASES = {5, 10, 30};
    static final int[] WAITS = {0, 0, 5, 15};
    static final Integer[] CONCURRENCY = {null, 1, 2, 3};

    /** One step of a schedule. */
    sealed interface Step {}

    /** A client enqueues a job, with settings picked from the tables above. */
    record Enqueue(int job, int priority, int delay, int dedup, int attempts, int backoff, int lease) implements Step {}

    /** A worker asks for the next job, maybe waiting. */
    record ClaimNext(int worker, int waitIndex) implements Step {}

    /**
     * A worker reports on the last job it was handed, with its token offset by {@code tokenOffset} (a stale or
     * future token).
     */
    record Report(Action action, int worker, int tokenOffset) implements Step {}

    enum Action {
        HEARTBEAT,
        COMPLETE,
        FAIL,
        FAIL_FOR_GOOD,
        LOGS
    }

    /** An operator acts on a job. */
    record Operate(Operation operation, int job) implements Step {}

    enum Operation {
        CANCEL,
        RETRY,
        DELETE
    }

    /** An operator pauses or resumes the queue, or sets its concurrency. */
    record Queue(QueueAction action, int concurrency) implements Step {}

    enum QueueAction {
        PAUSE,
        RESUME,
        CONFIGURE
    }

    /** A request sent before is sent again, unchanged, now (a client retry). */
    record Resend(int index) implements Step {}

    /** A worker's claim-next reuses the id of a request sent before (a client bug). */
    record ReuseId(int index, int worker) implements Step {}

    /** Time passes. */
    record Advance(int seconds) implements Step {}

    /** The processor's wall-clock scan appends a timer command for everything due by now. */
    record Tick() implements Step {}

    /** The processor crashes: its stores go back to a commit {@code back} commands ago, and it decides again. */
    record Crash(int back) implements Step {}

    static Gen<JobSchedule> schedules(int maxSteps) {
        return lists().of(anyStep()).ofSizeBetween(1, maxSteps).map(JobSchedule::new);
    }

    private static Gen<Integer> index(int size) {
        return integers().between(0, size - 1);
    }

    private static Gen<Step> anyStep() {
        Gen<Integer> worker = index(WORKERS);
        Gen<Integer> offset = Generate.frequency(List.of(
                Pair.of(8, Generate.constant(0)), Pair.of(1, Generate.constant(-1)), Pair.of(1, Generate.constant(1))));
        Gen<Step> enqueue = index(JOBS)
                .zip(
                        index(PRIORITIES.length),
                        index(DELAYS.length),
                        index(DEDUP_KEYS.length),
                        (job, priority, delay, dedup) -> new int[] {job, priority, delay, dedup})
                .zip(
                        index(MAX_ATTEMPTS.length),
                        index(BACKOFFS.length),
                        index(LEASES.length),
                        (first, attempts, backoff, lease) ->
                                (Step) new Enqueue(first[0], first[1], first[2], first[3], attempts, backoff, lease));
        Gen<Step> claim = worker.zip(index(WAITS.length), ClaimNext::new);
        Gen<Step> report = Generate.enumValues(Action.class).zip(worker, offset, Report::new);
        Gen<Step> operate = Generate.enumValues(Operation.class).zip(index(JOBS), Operate::new);
        Gen<Step> queue = Generate.enumValues(QueueAction.class).zip(index(CONCURRENCY.length), Queue::new);
        Gen<Step> resend = integers().between(0, 200).map(Resend::new);
        Gen<Step> reuse = integers().between(0, 200).zip(worker, ReuseId::new);
        Gen<Step> advance = integers().between(0, 40).map(Advance::new);
        Gen<Step> tick = Generate.constant(new Tick());
        Gen<Step> crash = integers().between(1, 12).map(Crash::new);
        return Generate.frequency(List.of(
                Pair.of(8, enqueue),
                Pair.of(9, claim),
                Pair.of(10, report),
                Pair.of(3, operate),
                Pair.of(2, queue),
                Pair.of(3, resend),
                Pair.of(1, reuse),
                Pair.of(5, advance),
                Pair.of(5, tick),
                Pair.of(1, crash)));
    }

    @Override
    public String toString() {
        return "JobSchedule" + Arrays.toString(steps.toArray());
    }
}
