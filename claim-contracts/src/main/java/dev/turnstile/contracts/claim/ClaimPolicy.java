package dev.turnstile.contracts.claim;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * How a claim behaves once granted. Validates itself: a lease has a positive TTL, a {@code once} claim none.
 *
 * @param mode {@code once} or {@code lease} (absent: {@code once}, as claims written before leases existed)
 * @param ttlSeconds a lease's time to live in seconds; null for {@code once}
 * @param takeoverAfterFailure whether another agent may claim the task after the holder reports failure
 */
public record ClaimPolicy(
        ClaimMode mode,
        @JsonInclude(JsonInclude.Include.NON_NULL) Integer ttlSeconds,
        boolean takeoverAfterFailure) {

    /** The seed's semantics: never expires, no takeover after failure. */
    public static final ClaimPolicy ONCE = new ClaimPolicy(ClaimMode.ONCE, null, false);

    public ClaimPolicy {
        mode = mode == null ? ClaimMode.ONCE : mode;
        if (mode == ClaimMode.LEASE && (ttlSeconds == null || ttlSeconds < 1)) {
            throw new IllegalArgumentException("A lease needs a positive ttlSeconds; got " + ttlSeconds);
        }
        if (mode == ClaimMode.ONCE && ttlSeconds != null) {
            throw new IllegalArgumentException("A once claim never expires: it takes no ttlSeconds");
        }
    }

    /** A lease of {@code ttlSeconds}. */
    public static ClaimPolicy lease(int ttlSeconds) {
        return new ClaimPolicy(ClaimMode.LEASE, ttlSeconds, false);
    }

    /** The same policy, letting another agent take over after the holder reports failure. */
    public ClaimPolicy withTakeoverAfterFailure(boolean takeover) {
        return new ClaimPolicy(mode, ttlSeconds, takeover);
    }
}
