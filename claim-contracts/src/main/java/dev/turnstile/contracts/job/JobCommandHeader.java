package dev.turnstile.contracts.job;

import java.util.Objects;

/**
 * What every command on {@code job-requests} says about the request and the queue it is about. Unwrapped on the
 * wire: its fields sit at the top level of each record.
 *
 * @param schemaVersion version of the record's shape, {@link #SCHEMA_VERSION} when written
 * @param requestId idempotency key chosen by the client, or by the gateway when the client sent none; for the
 *     processor's timer commands, derived from what is due (never random)
 * @param queue the queue, also the record key: one queue's commands are decided in log order by one thread
 */
public record JobCommandHeader(int schemaVersion, String requestId, String queue) {

    public static final int SCHEMA_VERSION = 1;

    public JobCommandHeader {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(queue, "queue");
    }

    /** The header of request {@code requestId} on {@code queue}, as the gateway writes it. */
    public static JobCommandHeader of(String queue, String requestId) {
        return new JobCommandHeader(SCHEMA_VERSION, requestId, queue);
    }
}
