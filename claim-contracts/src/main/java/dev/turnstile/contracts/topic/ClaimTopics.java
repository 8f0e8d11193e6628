package dev.turnstile.contracts.topic;

import dev.turnstile.contracts.claim.ClaimCommand;
import dev.turnstile.contracts.claim.ClaimEvent;
import dev.turnstile.contracts.json.JsonSerde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The topics of the claim path. Requests and decisions must have the same partition count: the processor's
 * output for a key lands on the partition number of its input.
 *
 * @param requests commands, keyed by task key; written by the gateway, read by the processor
 * @param decisions decisions, keyed by task key; the public contract
 */
public record ClaimTopics(Topic<String, ClaimCommand> requests, Topic<String, ClaimEvent> decisions) {

    public static final String DEFAULT_REQUESTS = "claim-requests";

    public static final String DEFAULT_DECISIONS = "claim-decisions";

    /**
     * Header on a decision that answers a request: the {@linkplain ClaimCommand#fingerprint() fingerprint} of the
     * command it answers (UTF-8), so a gateway hands a decision only to the request it answers, even when two
     * requests share an id. Consumers of the public topic may ignore it.
     */
    public static final String ANSWERED_REQUEST_HEADER = "turnstile-answers";

    /** Partition count of both topics in the local default; the processor's parallelism. */
    public static final int DEFAULT_PARTITIONS = 6;

    public static final ClaimTopics DEFAULT = named(DEFAULT_REQUESTS, DEFAULT_DECISIONS);

    /** Property naming the requests topic in service configuration. */
    public static final String REQUESTS_PROPERTY = "turnstile.topics.requests";

    /** Property naming the decisions topic in service configuration. */
    public static final String DECISIONS_PROPERTY = "turnstile.topics.decisions";

    /** Handles for the topics named by {@code lookup} (e.g. a Spring Environment), defaulting to the standard names. */
    public static ClaimTopics fromProperties(java.util.function.BinaryOperator<String> lookup) {
        return named(
                lookup.apply(REQUESTS_PROPERTY, DEFAULT_REQUESTS), lookup.apply(DECISIONS_PROPERTY, DEFAULT_DECISIONS));
    }

    /**
     * Where the processor puts records of the requests topic that it cannot decide (not a command, or a command
     * under another key), with headers saying why: {@code <requests>-dlq}. Same partition count as requests.
     */
    public String deadLetterTopicName() {
        return requests.name() + "-dlq";
    }

    /** Handles for topics with the given names. */
    public static ClaimTopics named(String requests, String decisions) {
        return new ClaimTopics(
                new Topic<>(requests, Serdes.String(), new JsonSerde<>(ClaimCommand.class)),
                new Topic<>(decisions, Serdes.String(), new JsonSerde<>(ClaimEvent.class)));
    }
}
