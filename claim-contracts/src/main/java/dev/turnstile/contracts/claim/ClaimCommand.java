package dev.turnstile.contracts.claim;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;

/**
 * A command on the {@code claim-requests} topic, keyed by its task key. The processor decides each command from
 * the key's state and the command alone, so the timestamp here is the only clock a decision sees. Every command
 * carries its {@link CommandHeader} (request id and task key), unwrapped on the wire.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = ClaimRequested.class, name = "ClaimRequested"),
    @JsonSubTypes.Type(value = LeaseRenewRequested.class, name = "LeaseRenewRequested"),
    @JsonSubTypes.Type(value = ReleaseRequested.class, name = "ReleaseRequested"),
    @JsonSubTypes.Type(value = CompletionReported.class, name = "CompletionReported"),
    @JsonSubTypes.Type(value = ExpireDue.class, name = "ExpireDue")
})
public sealed interface ClaimCommand permits ClaimRequested, HolderCommand, ExpireDue {

    /** The request id and the task key. */
    CommandHeader header();

    /** When the gateway accepted the command; also the Kafka record timestamp. */
    @JsonIgnore
    Instant timestamp();

    /**
     * What is asked, by whom, in one comparable line (kind, agent and parameters; no request id or timestamp). A
     * request id replays its answer only to a command with the same fingerprint: the same request, retried.
     */
    @JsonIgnore
    String fingerprint();

    /** Idempotency key: a retry of the request (same fingerprint) is answered as before. */
    default String requestId() {
        return header().requestId();
    }

    /** {@code project:task:gitSha}, the Kafka record key. */
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
}
