package dev.turnstile.history;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What clients asked and were told, as they saw it: each claim with the time it was sent and the time its answer
 * (or its failure) came back. Thread-safe: every agent of a load test records into one history.
 *
 * <pre>{@code
 * var claim = history.invoke(taskKey, agentId, requestId);
 * try {
 *     var answer = client.claim(...);
 *     claim.answered(answer.proceed(), answer.claimedBy(), answer.fencingToken());
 * } catch (CoordinatorUnavailableException e) {
 *     claim.unknown(e.getMessage());   // it may or may not have been decided
 * }
 * }</pre>
 */
public final class ClientHistory {

    /** How an operation ended, as the client saw it. */
    public enum Outcome {
        /** Answered: the client acts on the answer. */
        OK,
        /** Refused before anything was written (a 400 or 409): it was certainly not decided. */
        FAILED,
        /** No answer (timeouts, retries exhausted, a crash): it may or may not have been decided. */
        UNKNOWN
    }

    /**
     * A claim as the client saw it.
     *
     * @param index its position in the history, in invocation order
     * @param invokedNanos {@link System#nanoTime()} when it was sent
     * @param completedNanos when its answer or failure came back ({@code Long.MAX_VALUE} while pending)
     * @param proceed the answer, when {@link Outcome#OK}
     * @param holder who holds the key according to the answer (the agent itself when it proceeds)
     * @param fencingToken the token in the answer
     * @param error what went wrong, when not {@link Outcome#OK}
     */
    public record Operation(
            long index,
            String taskKey,
            String agentId,
            String requestId,
            long invokedNanos,
            long completedNanos,
            Outcome outcome,
            boolean proceed,
            String holder,
            long fencingToken,
            String error) {

        /** Whether this operation ended before {@code other} began, in real time. */
        public boolean precedes(Operation other) {
            return completedNanos < other.invokedNanos;
        }

        @Override
        public String toString() {
            var answer = switch (outcome) {
                case OK -> (proceed ? "proceed" : "skip, held by " + holder) + " (token " + fencingToken + ")";
                case FAILED, UNKNOWN -> outcome + ": " + error;
            };
            return "#" + index + " " + agentId + " claims " + taskKey + " as " + requestId + " -> " + answer;
        }
    }

    private final AtomicLong next = new AtomicLong();
    private final List<Operation> operations = new ArrayList<>();

    /** Records that a claim is being sent now; complete the returned handle with what came back. */
    public Pending invoke(String taskKey, String agentId, String requestId) {
        return new Pending(next.getAndIncrement(), taskKey, agentId, requestId, System.nanoTime());
    }

    /** Every completed operation, in invocation order. */
    public synchronized List<Operation> operations() {
        var copy = new ArrayList<>(operations);
        copy.sort((a, b) -> Long.compare(a.index(), b.index()));
        return copy;
    }

    private synchronized void record(Operation operation) {
        operations.add(operation);
    }

    /** A claim sent and not yet answered. */
    public final class Pending {
        private final long index;
        private final String taskKey;
        private final String agentId;
        private final String requestId;
        private final long invokedNanos;
        private boolean done;

        private Pending(long index, String taskKey, String agentId, String requestId, long invokedNanos) {
            this.index = index;
            this.taskKey = Objects.requireNonNull(taskKey, "taskKey");
            this.agentId = Objects.requireNonNull(agentId, "agentId");
            this.requestId = Objects.requireNonNull(requestId, "requestId");
            this.invokedNanos = invokedNanos;
        }

        /** The coordinator answered: proceed, or skip because {@code holder} holds the key. */
        public void answered(boolean proceed, String holder, long fencingToken) {
            complete(Outcome.OK, proceed, holder, fencingToken, null);
        }

        /** The claim was refused before anything was written (a 400 or 409). */
        public void failed(String error) {
            complete(Outcome.FAILED, false, null, 0, error);
        }

        /** No answer came: the claim may or may not have been decided. */
        public void unknown(String error) {
            complete(Outcome.UNKNOWN, false, null, 0, error);
        }

        private void complete(Outcome outcome, boolean proceed, String holder, long token, String error) {
            if (done) {
                throw new IllegalStateException("Operation #" + index + " on " + taskKey + " was completed twice");
            }
            done = true;
            record(new Operation(
                    index,
                    taskKey,
                    agentId,
                    requestId,
                    invokedNanos,
                    System.nanoTime(),
                    outcome,
                    proceed,
                    holder,
                    token,
                    error));
        }
    }
}
