package dev.turnstile.bench;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Which key each claim is for: with probability {@code duplicateRatio} a key that was already claimed (a duplicate
 * agent racing for the same task), otherwise a new one. Keys are unique per run so that runs do not interfere.
 */
final class Workload {

    private static final int RECENT = 1024;

    private final double duplicateRatio;
    private final String runId;
    private final AtomicLong next = new AtomicLong();
    private final AtomicReferenceArray<String> recent = new AtomicReferenceArray<>(RECENT);

    Workload(double duplicateRatio, String runId) {
        if (duplicateRatio < 0 || duplicateRatio >= 1) {
            throw new IllegalArgumentException("duplicate ratio must be in [0, 1); got " + duplicateRatio);
        }
        this.duplicateRatio = duplicateRatio;
        this.runId = runId;
    }

    /** The git SHA (key part) for the next claim. */
    String nextSha() {
        var random = ThreadLocalRandom.current();
        long issued = next.get();
        if (issued > 0 && random.nextDouble() < duplicateRatio) {
            var repeat = recent.get((int) (random.nextLong(Math.min(issued, RECENT))));
            if (repeat != null) {
                return repeat;
            }
        }
        long n = next.getAndIncrement();
        var sha = String.format("%s%012x", runId, n);
        recent.set((int) (n % RECENT), sha);
        return sha;
    }

    /** How many distinct keys were issued. */
    long distinctKeys() {
        return next.get();
    }
}
