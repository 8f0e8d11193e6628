package dev.turnstile.contracts.claim;

import java.util.Arrays;
import java.util.Optional;

/**
 * Every type of decision on {@code claim-decisions}, by its {@code type} name on the wire: the one vocabulary of
 * decision kinds for counting, filtering and labels.
 */
public enum DecisionType {
    CLAIM_GRANTED("ClaimGranted", ClaimGranted.class),
    CLAIM_DENIED("ClaimDenied", ClaimDenied.class),
    LEASE_RENEWED("LeaseRenewed", LeaseRenewed.class),
    LEASE_RELEASED("LeaseReleased", LeaseReleased.class),
    LEASE_EXPIRED("LeaseExpired", LeaseExpired.class),
    CLAIM_COMPLETED("ClaimCompleted", ClaimCompleted.class),
    REQUEST_REFUSED("RequestRefused", RequestRefused.class);

    private final String wireName;
    private final Class<? extends ClaimEvent> type;

    DecisionType(String wireName, Class<? extends ClaimEvent> type) {
        this.wireName = wireName;
        this.type = type;
    }

    /** The {@code type} on the wire, e.g. {@code ClaimGranted}. */
    public String wireName() {
        return wireName;
    }

    /** The record class of decisions of this type. */
    public Class<? extends ClaimEvent> recordType() {
        return type;
    }

    /** Whether decisions of this type answer a claim and count as one: granted or denied. */
    public boolean isClaim() {
        return this == CLAIM_GRANTED || this == CLAIM_DENIED;
    }

    /** The type of {@code event}. */
    public static DecisionType of(ClaimEvent event) {
        return switch (event) {
            case ClaimGranted granted -> CLAIM_GRANTED;
            case ClaimDenied denied -> CLAIM_DENIED;
            case LeaseRenewed renewed -> LEASE_RENEWED;
            case LeaseReleased released -> LEASE_RELEASED;
            case LeaseExpired expired -> LEASE_EXPIRED;
            case ClaimCompleted completed -> CLAIM_COMPLETED;
            case RequestRefused refused -> REQUEST_REFUSED;
        };
    }

    /** The type named {@code wireName} on the wire, if it is one this version knows. */
    public static Optional<DecisionType> fromWireName(String wireName) {
        return Arrays.stream(values())
                .filter(type -> type.wireName.equals(wireName))
                .findFirst();
    }
}
