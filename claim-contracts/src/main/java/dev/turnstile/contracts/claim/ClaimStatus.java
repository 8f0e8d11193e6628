package dev.turnstile.contracts.claim;

import java.util.Locale;

/** Where a task key's claim stands: the one vocabulary of the claim lifecycle, everywhere it is shown or folded. */
public enum ClaimStatus {
    /** Granted and not ended: the holder runs (a lease may be past its expiry until a command reveals it). */
    ACTIVE,
    /** The holder reported success. */
    SUCCEEDED,
    /** The holder reported failure. */
    FAILED,
    /** The holder gave the claim back. */
    RELEASED,
    /** The holder's lease ran out unrenewed. */
    EXPIRED;

    /** The name in HTTP answers: {@code active}, {@code succeeded}, … */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the claim has ended. */
    public boolean ended() {
        return this != ACTIVE;
    }

    /** The status a holder's reported outcome ends its claim in. */
    public static ClaimStatus of(ClaimOutcome outcome) {
        return switch (outcome) {
            case SUCCEEDED -> SUCCEEDED;
            case FAILED -> FAILED;
        };
    }
}
