package dev.turnstile.contracts.topic;

import dev.turnstile.contracts.claim.ClaimEvent;
import dev.turnstile.contracts.claim.DecisionType;
import dev.turnstile.contracts.job.ClaimNextParked;
import dev.turnstile.contracts.job.JobAlreadyEnqueued;
import dev.turnstile.contracts.job.JobArtifactAttached;
import dev.turnstile.contracts.job.JobCancelled;
import dev.turnstile.contracts.job.JobClaimed;
import dev.turnstile.contracts.job.JobDeleted;
import dev.turnstile.contracts.job.JobEnqueued;
import dev.turnstile.contracts.job.JobEvent;
import dev.turnstile.contracts.job.JobEventType;
import dev.turnstile.contracts.job.JobFailed;
import dev.turnstile.contracts.job.JobHeartbeatReceived;
import dev.turnstile.contracts.job.JobLogsAppended;
import dev.turnstile.contracts.job.JobReady;
import dev.turnstile.contracts.job.JobRef;
import dev.turnstile.contracts.job.JobRequestRefused;
import dev.turnstile.contracts.job.JobRetried;
import dev.turnstile.contracts.job.JobSucceeded;
import dev.turnstile.contracts.job.NoJobAvailable;
import dev.turnstile.contracts.job.QueueConfigured;
import dev.turnstile.contracts.job.QueuePaused;
import dev.turnstile.contracts.job.QueueResumed;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The CloudEvents attributes of the public topics, as record headers in the
 * <a href="https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/bindings/kafka-protocol-binding.md">Kafka
 * protocol binding</a>, binary content mode: the record value stays the event's JSON, and a consumer can route on
 * {@code ce_type} without parsing it. Every attribute is a function of the event alone (no wall clock), so replaying
 * the requests log writes identical records.
 *
 * <ul>
 *   <li>{@code ce_type}: {@code dev.turnstile.claim.<type>} on {@code claim-decisions},
 *       {@code dev.turnstile.job.<type>} on {@code job-events}, {@code <type>} being the value's {@code type}
 *   <li>{@code ce_id}: the {@code decisionId} or {@code eventId}; a redelivery repeats its decision's id, so a
 *       consumer that deduplicates on {@code ce_source} + {@code ce_id} counts each decision once
 *   <li>{@code ce_source}: {@value #CLAIMS_SOURCE} or {@value #JOBS_SOURCE}
 *   <li>{@code ce_time}: the time the decision was made from (the command's timestamp), RFC 3339 in UTC
 *   <li>{@code ce_subject}: the task key, or {@code <queue>:<jobId>} for an event about one job, else the queue
 *   <li>{@code ce_dataschema}: the JSON Schema of the value
 *   <li>{@code content-type}: {@code application/json}
 * </ul>
 */
public final class CloudEventHeaders {

    public static final String SPEC_VERSION = "ce_specversion";
    public static final String ID = "ce_id";
    public static final String SOURCE = "ce_source";
    public static final String TYPE = "ce_type";
    public static final String TIME = "ce_time";
    public static final String SUBJECT = "ce_subject";
    public static final String DATA_SCHEMA = "ce_dataschema";
    public static final String CONTENT_TYPE = "content-type";

    /** {@code ce_source} of every decision. */
    public static final String CLAIMS_SOURCE = "/turnstile/claims";

    /** {@code ce_source} of every job event. */
    public static final String JOBS_SOURCE = "/turnstile/jobs";

    /** Prefix of {@code ce_type} on {@code claim-decisions}, before the decision's {@code type}. */
    public static final String CLAIM_TYPE_PREFIX = "dev.turnstile.claim.";

    /** Prefix of {@code ce_type} on {@code job-events}, before the event's {@code type}. */
    public static final String JOB_TYPE_PREFIX = "dev.turnstile.job.";

    /** {@code ce_dataschema} of decisions: names {@code schemas/claim-decisions.v1.schema.json}. */
    public static final String CLAIMS_DATA_SCHEMA = "urn:turnstile:schema:claim-decisions.v1";

    /** {@code ce_dataschema} of job events: names {@code schemas/job-events.v1.schema.json}. */
    public static final String JOBS_DATA_SCHEMA = "urn:turnstile:schema:job-events.v1";

    private CloudEventHeaders() {}

    /** The {@code ce_type} of decisions of {@code type}, e.g. {@code dev.turnstile.claim.ClaimGranted}. */
    public static String ceType(DecisionType type) {
        return CLAIM_TYPE_PREFIX + type.wireName();
    }

    /** The {@code ce_type} of job events of {@code type}, e.g. {@code dev.turnstile.job.JobClaimed}. */
    public static String ceType(JobEventType type) {
        return JOB_TYPE_PREFIX + type.wireName();
    }

    /** The headers of a record of {@code claim-decisions} carrying {@code decision}. */
    public static Headers of(ClaimEvent decision) {
        return headers(
                decision.decisionId(),
                CLAIMS_SOURCE,
                ceType(DecisionType.of(decision)),
                decision.attemptedAt(),
                decision.taskKey(),
                CLAIMS_DATA_SCHEMA);
    }

    /** The headers of a record of {@code job-events} carrying {@code event}. */
    public static Headers of(JobEvent event) {
        return headers(
                event.eventId(),
                JOBS_SOURCE,
                ceType(JobEventType.of(event)),
                event.occurredAt(),
                subject(event),
                JOBS_DATA_SCHEMA);
    }

    private static Headers headers(
            String id, String source, String type, Instant time, String subject, String dataSchema) {
        var headers = new RecordHeaders();
        add(headers, SPEC_VERSION, "1.0");
        add(headers, ID, id);
        add(headers, SOURCE, source);
        add(headers, TYPE, type);
        add(headers, TIME, time.toString());
        add(headers, SUBJECT, subject);
        add(headers, DATA_SCHEMA, dataSchema);
        add(headers, CONTENT_TYPE, "application/json");
        return headers;
    }

    private static void add(Headers headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code <queue>:<jobId>} for an event about one job, else the queue. */
    private static String subject(JobEvent event) {
        var jobId = switch (event) {
            case JobEnqueued e -> e.jobId();
            case JobAlreadyEnqueued e -> e.jobId();
            case JobReady e -> e.jobId();
            case JobClaimed e -> e.jobId();
            case JobHeartbeatReceived e -> e.jobId();
            case JobSucceeded e -> e.jobId();
            case JobFailed e -> e.jobId();
            case JobLogsAppended e -> e.jobId();
            case JobArtifactAttached e -> e.jobId();
            case JobCancelled e -> e.jobId();
            case JobRetried e -> e.jobId();
            case JobDeleted e -> e.jobId();
            case JobRequestRefused e -> e.jobId();
            case NoJobAvailable e -> null;
            case ClaimNextParked e -> null;
            case QueuePaused e -> null;
            case QueueResumed e -> null;
            case QueueConfigured e -> null;
        };
        return jobId == null ? event.queue() : new JobRef(event.queue(), jobId).toString();
    }
}
