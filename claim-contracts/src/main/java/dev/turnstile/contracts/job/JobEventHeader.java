package dev.turnstile.contracts.job;

import java.time.Instant;
import java.util.Objects;

/**
 * What every event on {@code job-events} says about its place in the queue's log and the request behind it.
 * Unwrapped on the wire: its fields sit at the top level of each record.
 *
 * @param schemaVersion version of the record's shape, {@link #SCHEMA_VERSION} when written
 * @param eventId {@code <queue>#<sequence>}: unique per event and identical when the request log is replayed
 * @param sequence position of the event among the queue's events, from 1, strictly increasing
 * @param queue the queue, also the record key
 * @param requestId the request the event answers; for a grant to a parked claim-next, that claim-next's id; for an
 *     event a timer caused (a delay or backoff ending, a lease running out, a wait running out), the timer
 *     command's derived id
 * @param occurredAt the timestamp of the command that was being decided: the only clock decisions see
 * @param redelivery true when the record repeats an earlier event for a retried request: counting consumers skip
 *     it, or deduplicate by {@code eventId}
 */
public record JobEventHeader(
        int schemaVersion,
        String eventId,
        long sequence,
        String queue,
        String requestId,
        Instant occurredAt,
        boolean redelivery) {

    public static final int SCHEMA_VERSION = 1;

    public JobEventHeader {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(queue, "queue");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(occurredAt, "occurredAt");
    }

    /** The header of the queue's {@code sequence}-th event, answering {@code requestId}, decided at {@code at}. */
    public static JobEventHeader of(String queue, long sequence, String requestId, Instant at) {
        return new JobEventHeader(SCHEMA_VERSION, eventId(queue, sequence), sequence, queue, requestId, at, false);
    }

    /** The event id of a queue's {@code sequence}-th event. */
    public static String eventId(String queue, long sequence) {
        return queue + "#" + sequence;
    }

    /** The same header, marked as repeating its event for a retried request. */
    public JobEventHeader asRedelivery() {
        return new JobEventHeader(schemaVersion, eventId, sequence, queue, requestId, occurredAt, true);
    }
}
