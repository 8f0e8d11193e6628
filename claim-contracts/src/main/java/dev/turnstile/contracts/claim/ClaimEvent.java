package dev.turnstile.contracts.claim;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;

/**
 * A decision on the public {@code claim-decisions} topic, keyed by task key. Every event carries every field of
 * the attempt it answers, so a consumer needs nothing else to count, filter or display it. Schema:
 * {@code schemas/claim-decisions.v1.schema.json}. A consumer that meets a {@code type} it does not know skips the
 * record: types are added within version 1.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = ClaimGranted.class, name = "ClaimGranted"),
    @JsonSubTypes.Type(value = ClaimDenied.class, name = "ClaimDenied"),
    @JsonSubTypes.Type(value = LeaseRenewed.class, name = "LeaseRenewed"),
    @JsonSubTypes.Type(value = LeaseReleased.class, name = "LeaseReleased"),
    @JsonSubTypes.Type(value = LeaseExpired.class, name = "LeaseExpired"),
    @JsonSubTypes.Type(value = ClaimCompleted.class, name = "ClaimCompleted"),
    @JsonSubTypes.Type(value = RequestRefused.class, name = "RequestRefused")
})
public sealed interface ClaimEvent
        permits ClaimGranted,
                ClaimDenied,
                LeaseRenewed,
                LeaseReleased,
                LeaseExpired,
                ClaimCompleted,
                RequestRefused {

    /** Version of this record's shape. */
    int schemaVersion();

    /** Unique per decision and stable across replays: {@code <taskKey>#<sequence>}. */
    String decisionId();

    /** Position of this decision among the key's decisions, from 1, strictly increasing. */
    long sequence();

    /** The request this decision answers (for {@link LeaseExpired}: the command whose time revealed the expiry). */
    String requestId();

    String taskKey();

    String project();

    String task();

    String gitSha();

    /** The agent that asked (for {@link LeaseExpired}: the holder whose lease ran out). */
    String agentId();

    /** When the attempt was made (the command's timestamp). */
    Instant attemptedAt();

    /** True only for {@link ClaimGranted}: this agent proceeds. Every other event is false. */
    boolean wasGranted();

    /**
     * True when this repeats an earlier decision for a retried request id. Counting consumers skip it (or
     * deduplicate by {@link #decisionId()}); the gateway uses it to answer the retry.
     */
    boolean redelivery();

    /** The mode of the claim the event is about: {@code once} or {@code lease}. */
    ClaimMode mode();

    /**
     * The fencing token of the claim the event is about: for a grant the new token, for a denial the holder's, for
     * a refusal the token presented. Tokens of a key strictly increase with every grant and are never reused.
     */
    long fencingToken();

    /** The same decision, marked as repeated for a retried request. */
    ClaimEvent asRedelivery();

    /** Whether this event answers the request {@link #requestId()} (false for an expiry announcement). */
    @JsonIgnore
    default boolean answersRequest() {
        return true;
    }

    /** The decision id for a key's {@code sequence}-th decision. */
    static String decisionId(String taskKey, long sequence) {
        return taskKey + "#" + sequence;
    }
}
