package dev.turnstile.contracts.claim;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;

/**
 * A decision on the public {@code claim-decisions} topic, keyed by task key. Every event carries its
 * {@link DecisionHeader} (the attempt it answers and its place in the key's log, unwrapped on the wire), the mode
 * and fencing token of the claim it is about, and its own fields, so a consumer needs nothing else to count, filter
 * or display it. Schema: {@code schemas/claim-decisions.v1.schema.json}. A consumer that meets a {@code type} it
 * does not know skips the record: types are added within version 1. {@link DecisionType} names every type.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonIgnoreProperties(value = "wasGranted", allowGetters = true)
@JsonSubTypes({
    @JsonSubTypes.Type(value = ClaimGranted.class, name = "ClaimGranted"),
    @JsonSubTypes.Type(value = ClaimDenied.class, name = "ClaimDenied"),
    @JsonSubTypes.Type(value = LeaseRenewed.class, name = "LeaseRenewed"),
    @JsonSubTypes.Type(value = LeaseReleased.class, name = "LeaseReleased"),
    @JsonSubTypes.Type(value = LeaseExpired.class, name = "LeaseExpired"),
    @JsonSubTypes.Type(value = ClaimCompleted.class, name = "ClaimCompleted"),
    @JsonSubTypes.Type(value = RequestRefused.class, name = "RequestRefused")
})
public sealed interface ClaimEvent permits ClaimAnswer, HolderAnswer, LeaseExpired {

    /** The attempt this decision answers and its place in the key's log. */
    DecisionHeader header();

    /** The same decision with another header. */
    ClaimEvent withHeader(DecisionHeader header);

    /** The mode of the claim the event is about: {@code once} or {@code lease}. */
    ClaimMode mode();

    /**
     * The fencing token of the claim the event is about: for a grant the new token, for a denial the holder's, for
     * a refusal the token presented. Tokens of a key strictly increase with every grant and are never reused.
     */
    long fencingToken();

    /** True only for {@link ClaimGranted}: this agent proceeds. Every other event is false. */
    @JsonProperty("wasGranted")
    default boolean wasGranted() {
        return false;
    }

    /** The same decision, marked as repeated for a retried request. */
    default ClaimEvent asRedelivery() {
        return withHeader(header().asRedelivery());
    }

    /** Whether this event answers the request {@link #requestId()} (false for an expiry announcement). */
    @JsonIgnore
    default boolean answersRequest() {
        return true;
    }

    default int schemaVersion() {
        return header().schemaVersion();
    }

    /** Unique per decision and stable across replays: {@code <taskKey>#<sequence>}. */
    default String decisionId() {
        return header().decisionId();
    }

    /** Position of this decision among the key's decisions, from 1, strictly increasing. */
    default long sequence() {
        return header().sequence();
    }

    /** The request this decision answers (for {@link LeaseExpired}: the command whose time revealed the expiry). */
    default String requestId() {
        return header().requestId();
    }

    default String taskKey() {
        return header().taskKey();
    }

    default String project() {
        return header().project();
    }

    default String task() {
        return header().task();
    }

    default String gitSha() {
        return header().gitSha();
    }

    /** The agent that asked (for {@link LeaseExpired}: the holder whose lease ran out). */
    default String agentId() {
        return header().agentId();
    }

    /** When the attempt was made (the command's timestamp). */
    default Instant attemptedAt() {
        return header().attemptedAt();
    }

    /** True when this repeats an earlier decision: counting consumers skip it (or deduplicate by decision id). */
    default boolean redelivery() {
        return header().redelivery();
    }

    /** The decision id for a key's {@code sequence}-th decision. */
    static String decisionId(String taskKey, long sequence) {
        return DecisionHeader.decisionId(taskKey, sequence);
    }
}
