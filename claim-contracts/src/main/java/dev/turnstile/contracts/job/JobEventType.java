package dev.turnstile.contracts.job;

import java.util.Arrays;
import java.util.Optional;

/**
 * Every type of event on {@code job-events}, by its {@code type} name on the wire: the one vocabulary of job event
 * kinds for read models, filters and labels.
 */
public enum JobEventType {
    JOB_ENQUEUED("JobEnqueued", JobEnqueued.class, true),
    JOB_ALREADY_ENQUEUED("JobAlreadyEnqueued", JobAlreadyEnqueued.class, false),
    JOB_READY("JobReady", JobReady.class, true),
    JOB_CLAIMED("JobClaimed", JobClaimed.class, true),
    NO_JOB_AVAILABLE("NoJobAvailable", NoJobAvailable.class, false),
    CLAIM_NEXT_PARKED("ClaimNextParked", ClaimNextParked.class, false),
    JOB_HEARTBEAT_RECEIVED("JobHeartbeatReceived", JobHeartbeatReceived.class, false),
    JOB_SUCCEEDED("JobSucceeded", JobSucceeded.class, true),
    JOB_FAILED("JobFailed", JobFailed.class, true),
    JOB_LOGS_APPENDED("JobLogsAppended", JobLogsAppended.class, false),
    JOB_ARTIFACT_ATTACHED("JobArtifactAttached", JobArtifactAttached.class, false),
    JOB_CANCELLED("JobCancelled", JobCancelled.class, true),
    JOB_RETRIED("JobRetried", JobRetried.class, true),
    JOB_DELETED("JobDeleted", JobDeleted.class, true),
    QUEUE_PAUSED("QueuePaused", QueuePaused.class, false),
    QUEUE_RESUMED("QueueResumed", QueueResumed.class, false),
    QUEUE_CONFIGURED("QueueConfigured", QueueConfigured.class, false),
    JOB_REQUEST_REFUSED("JobRequestRefused", JobRequestRefused.class, false);

    private final String wireName;
    private final Class<? extends JobEvent> type;
    private final boolean changesJobState;

    JobEventType(String wireName, Class<? extends JobEvent> type, boolean changesJobState) {
        this.wireName = wireName;
        this.type = type;
        this.changesJobState = changesJobState;
    }

    /** The {@code type} on the wire, e.g. {@code JobClaimed}. */
    public String wireName() {
        return wireName;
    }

    /** The record class of events of this type. */
    public Class<? extends JobEvent> recordType() {
        return type;
    }

    /**
     * Whether events of this type move a job from one {@link JobState} to another (or add or remove it): what a
     * read model of job states folds. Heartbeats, logs and artifacts add to a running job without moving it.
     */
    public boolean changesJobState() {
        return changesJobState;
    }

    /** The type of {@code event}. */
    public static JobEventType of(JobEvent event) {
        return switch (event) {
            case JobEnqueued e -> JOB_ENQUEUED;
            case JobAlreadyEnqueued e -> JOB_ALREADY_ENQUEUED;
            case JobReady e -> JOB_READY;
            case JobClaimed e -> JOB_CLAIMED;
            case NoJobAvailable e -> NO_JOB_AVAILABLE;
            case ClaimNextParked e -> CLAIM_NEXT_PARKED;
            case JobHeartbeatReceived e -> JOB_HEARTBEAT_RECEIVED;
            case JobSucceeded e -> JOB_SUCCEEDED;
            case JobFailed e -> JOB_FAILED;
            case JobLogsAppended e -> JOB_LOGS_APPENDED;
            case JobArtifactAttached e -> JOB_ARTIFACT_ATTACHED;
            case JobCancelled e -> JOB_CANCELLED;
            case JobRetried e -> JOB_RETRIED;
            case JobDeleted e -> JOB_DELETED;
            case QueuePaused e -> QUEUE_PAUSED;
            case QueueResumed e -> QUEUE_RESUMED;
            case QueueConfigured e -> QUEUE_CONFIGURED;
            case JobRequestRefused e -> JOB_REQUEST_REFUSED;
        };
    }

    /** The type named {@code wireName} on the wire, if it is one this version knows. */
    public static Optional<JobEventType> fromWireName(String wireName) {
        return Arrays.stream(values())
                .filter(type -> type.wireName.equals(wireName))
                .findFirst();
    }
}
