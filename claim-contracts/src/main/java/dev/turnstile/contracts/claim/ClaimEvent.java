package dev.turnstile.contracts.claim;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;

/**
 * A decision on the public {@code claim-decisions} topic, keyed by task key. Every event carries every field of
 * the attempt it answers, so a consumer needs nothing else to count, filter or display it. Schema:
 * {@code schemas/claim-decisions.v1.schema.json}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = ClaimGranted.class, name = "ClaimGranted"),
    @JsonSubTypes.Type(value = ClaimDenied.class, name = "ClaimDenied")
})
public sealed interface ClaimEvent permits ClaimGranted, ClaimDenied {

    /** Version of this record's shape. */
    int schemaVersion();

    /** Unique per decision and stable across replays: {@code <taskKey>#<sequence>}. */
    String decisionId();

    /** Position of this decision among the key's decisions, from 1, strictly increasing. */
    long sequence();

    /** The request this decision answers. */
    String requestId();

    String taskKey();

    String project();

    String task();

    String gitSha();

    /** The agent that asked. */
    String agentId();

    /** When the attempt was made (the command's timestamp). */
    Instant attemptedAt();

    /** True for a grant: this agent proceeds. */
    boolean wasGranted();

    /**
     * True when this repeats an earlier decision for a retried request id. Counting consumers skip it (or
     * deduplicate by {@link #decisionId()}); the gateway uses it to answer the retry.
     */
    boolean redelivery();

    /** The decision id for a key's {@code sequence}-th decision. */
    static String decisionId(String taskKey, long sequence) {
        return taskKey + "#" + sequence;
    }
}
