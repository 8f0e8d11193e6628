package dev.turnstile.contracts.topic;

import dev.turnstile.contracts.job.JobCommand;
import dev.turnstile.contracts.job.JobEvent;
import dev.turnstile.contracts.json.JsonSerde;
import java.util.function.BinaryOperator;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The topics of work queues, both keyed by queue name and with the same partition count (the processor writes a
 * queue's events to the partition number of its commands).
 *
 * @param requests commands, keyed by queue; written by the gateway (and by the processor's timers), read by the
 *     processor. Internal
 * @param events job events, keyed by queue; the public contract ({@code schemas/job-events.v1.schema.json})
 */
public record JobTopics(Topic<String, JobCommand> requests, Topic<String, JobEvent> events) {

    public static final String DEFAULT_REQUESTS = "job-requests";

    public static final String DEFAULT_EVENTS = "job-events";

    /**
     * Header on an event that answers a request: the fingerprint of the command it answers (UTF-8), so that a gateway
     * hands an event only to the request it answers, even when two requests share an id. The same header as on
     * claim decisions.
     */
    public static final String ANSWERED_REQUEST_HEADER = ClaimTopics.ANSWERED_REQUEST_HEADER;

    /** Partition count of both topics in the local default; the same as the claim topics. */
    public static final int DEFAULT_PARTITIONS = ClaimTopics.DEFAULT_PARTITIONS;

    public static final JobTopics DEFAULT = named(DEFAULT_REQUESTS, DEFAULT_EVENTS);

    /** Property naming the job requests topic in service configuration. */
    public static final String REQUESTS_PROPERTY = "turnstile.topics.job-requests";

    /** Property naming the job events topic in service configuration. */
    public static final String EVENTS_PROPERTY = "turnstile.topics.job-events";

    /** Handles for the topics named by {@code lookup} (e.g. a Spring Environment), defaulting to the standard names. */
    public static JobTopics fromProperties(BinaryOperator<String> lookup) {
        return named(lookup.apply(REQUESTS_PROPERTY, DEFAULT_REQUESTS), lookup.apply(EVENTS_PROPERTY, DEFAULT_EVENTS));
    }

    /**
     * Where the processor puts records of the requests topic that it cannot decide (not a command, or a command
     * under another queue), with a header saying why: {@code <requests>-dlq}.
     */
    public String deadLetterTopicName() {
        return requests.name() + "-dlq";
    }

    /** Handles for topics with the given names. */
    public static JobTopics named(String requests, String events) {
        return new JobTopics(
                new Topic<>(requests, Serdes.String(), new JsonSerde<>(JobCommand.class)),
                new Topic<>(events, Serdes.String(), new JsonSerde<>(JobEvent.class)));
    }
}
