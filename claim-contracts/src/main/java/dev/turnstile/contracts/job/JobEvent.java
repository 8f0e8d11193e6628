package dev.turnstile.contracts.job;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;

/**
 * An event on the public {@code job-events} topic, keyed by queue, in the queue's decision order. Every event carries
 * its {@link JobEventHeader} (unwrapped on the wire) and its own fields, so a consumer needs nothing else to build a
 * read model of jobs and queues. Schema: {@code schemas/job-events.v1.schema.json}. A consumer that meets a
 * {@code type} it does not know skips the record: types may be added within version 1. {@link JobEventType} names
 * every type.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = JobEnqueued.class, name = "JobEnqueued"),
    @JsonSubTypes.Type(value = JobAlreadyEnqueued.class, name = "JobAlreadyEnqueued"),
    @JsonSubTypes.Type(value = JobReady.class, name = "JobReady"),
    @JsonSubTypes.Type(value = JobClaimed.class, name = "JobClaimed"),
    @JsonSubTypes.Type(value = NoJobAvailable.class, name = "NoJobAvailable"),
    @JsonSubTypes.Type(value = ClaimNextParked.class, name = "ClaimNextParked"),
    @JsonSubTypes.Type(value = JobHeartbeatReceived.class, name = "JobHeartbeatReceived"),
    @JsonSubTypes.Type(value = JobSucceeded.class, name = "JobSucceeded"),
    @JsonSubTypes.Type(value = JobFailed.class, name = "JobFailed"),
    @JsonSubTypes.Type(value = JobLogsAppended.class, name = "JobLogsAppended"),
    @JsonSubTypes.Type(value = JobArtifactAttached.class, name = "JobArtifactAttached"),
    @JsonSubTypes.Type(value = JobCancelled.class, name = "JobCancelled"),
    @JsonSubTypes.Type(value = JobRetried.class, name = "JobRetried"),
    @JsonSubTypes.Type(value = JobDeleted.class, name = "JobDeleted"),
    @JsonSubTypes.Type(value = QueuePaused.class, name = "QueuePaused"),
    @JsonSubTypes.Type(value = QueueResumed.class, name = "QueueResumed"),
    @JsonSubTypes.Type(value = QueueConfigured.class, name = "QueueConfigured"),
    @JsonSubTypes.Type(value = JobRequestRefused.class, name = "JobRequestRefused")
})
public sealed interface JobEvent permits JobAnswer, JobReady, ClaimNextParked {

    /** The event's place in the queue's log and the request behind it. */
    JobEventHeader header();

    /** The same event with another header. */
    JobEvent withHeader(JobEventHeader header);

    /** The same event, marked as repeated for a retried request. */
    default JobEvent asRedelivery() {
        return withHeader(header().asRedelivery());
    }

    /**
     * Whether this event is the final answer to the request {@link #requestId()}: a gateway completes the request's
     * waiter with it. False for events a timer caused and for {@link ClaimNextParked} (the request waits on).
     */
    @JsonIgnore
    default boolean answersRequest() {
        return false;
    }

    default int schemaVersion() {
        return header().schemaVersion();
    }

    /** Unique per event and stable across replays: {@code <queue>#<sequence>}. */
    default String eventId() {
        return header().eventId();
    }

    /** Position among the queue's events, from 1. */
    default long sequence() {
        return header().sequence();
    }

    default String queue() {
        return header().queue();
    }

    default String requestId() {
        return header().requestId();
    }

    /** The timestamp of the command being decided. */
    default Instant occurredAt() {
        return header().occurredAt();
    }

    /** True when this repeats an earlier event for a retried request: counting consumers skip it. */
    default boolean redelivery() {
        return header().redelivery();
    }
}
