package dev.turnstile.processor.claim;

import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.turnstile.contracts.claim.ClaimPolicy;
import dev.turnstile.contracts.claim.TaskKey;
import java.util.List;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * A random schedule for the claim simulation: what agents ask, in which order, how time passes, which requests are
 * retried and where the processor crashes. Steps hold small numbers (indexes, offsets) that the simulation turns
 * into commands against what has happened so far, so that every schedule is valid and shrinks well.
 */
record ClaimSchedule(List<Step> steps) {

    static final List<TaskKey> KEYS = List.of(
            new TaskKey("sim", "deploy", "aaaaaaa"),
            new TaskKey("sim", "deploy", "bbbbbbb"),
            new TaskKey("sim", "e2e", "ccccccc"));

    static final int AGENTS = 5;

    /** The policies agents claim with: once, once with takeover, short and long leases, a lease with takeover. */
    static final List<ClaimPolicy> POLICIES = List.of(
            ClaimPolicy.ONCE,
            ClaimPolicy.ONCE.withTakeoverAfterFailure(true),
            ClaimPolicy.lease(5),
            ClaimPolicy.lease(30),
            ClaimPolicy.lease(5).withTakeoverAfterFailure(true));

    /** One step of a schedule. */
    sealed interface Step {}

    /**
     * An agent claims a key.
     *
     * @param reuse -1 for a new request id; otherwise an index into the request ids used so far (its own or another
     *     agent's), modulo their number
     */
    record Claim(int agent, int key, int policy, int reuse) implements Step {}

    /**
     * An agent renews, releases or completes with the last token it was granted on the key, offset by
     * {@code tokenOffset} (a stale or future token).
     */
    record Holder(Action action, int agent, int key, int tokenOffset) implements Step {}

    enum Action {
        RENEW,
        RELEASE,
        SUCCEED,
        FAIL
    }

    /** A request sent before is sent again, unchanged, now (a client retry). */
    record Retry(int index) implements Step {}

    /** The processor's expiry check of the key's last granted token (offset), appended now. */
    record ExpiryCheck(int key, int tokenOffset) implements Step {}

    /** Time passes. */
    record Advance(int seconds) implements Step {}

    /** The processor crashes: its state goes back to a commit {@code back} commands ago, and it decides again. */
    record Crash(int back) implements Step {}

    static Gen<ClaimSchedule> schedules(int maxSteps) {
        return lists().of(anyStep()).ofSizeBetween(1, maxSteps).map(ClaimSchedule::new);
    }

    private static Gen<Step> anyStep() {
        Gen<Integer> agent = integers().between(0, AGENTS - 1);
        Gen<Integer> key = integers().between(0, KEYS.size() - 1);
        Gen<Integer> offset = Generate.frequency(List.of(
                Pair.of(8, Generate.constant(0)), Pair.of(1, Generate.constant(-1)), Pair.of(1, Generate.constant(1))));
        Gen<Step> claim = agent.zip(
                key,
                integers().between(0, POLICIES.size() - 1),
                integers().between(-4, 40),
                (a, k, p, r) -> new Claim(a, k, p, r < 0 ? -1 : r));
        Gen<Step> holder = Generate.enumValues(Action.class).zip(agent, key, offset, Holder::new);
        Gen<Step> retry = integers().between(0, 200).map(Retry::new);
        Gen<Step> check = key.zip(offset, ExpiryCheck::new);
        Gen<Step> advance = integers().between(0, 40).map(Advance::new);
        Gen<Step> crash = integers().between(1, 12).map(Crash::new);
        return Generate.frequency(List.of(
                Pair.of(10, claim),
                Pair.of(6, holder),
                Pair.of(4, retry),
                Pair.of(2, check),
                Pair.of(5, advance),
                Pair.of(1, crash)));
    }
}
