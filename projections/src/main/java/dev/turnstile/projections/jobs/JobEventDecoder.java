package dev.turnstile.projections.jobs;

import dev.turnstile.contracts.job.JobEvent;
import dev.turnstile.contracts.job.JobEventType;
import dev.turnstile.contracts.json.Json;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.node.ObjectNode;

/** Record bytes of {@code job-events} → an event, or the reason to skip the record. */
final class JobEventDecoder {

    sealed interface Decoded {}

    /**
     * @param event the event
     * @param streamJson the event as on the topic without {@code payload} and {@code result}, for live streams
     */
    record Event(JobEvent event, String streamJson) implements Decoded {}

    /**
     * Not an event this version reads.
     *
     * @param kind the event type, or {@code undecodable} / {@code tombstone}
     * @param detail what was wrong, for the log
     */
    record Skipped(String kind, String detail) implements Decoded {}

    Decoded decode(byte[] value) {
        if (value == null) {
            return new Skipped("tombstone", "a record without a value");
        }
        try {
            var tree = Json.MAPPER.readTree(value);
            if (!(tree instanceof ObjectNode object)) {
                return new Skipped("undecodable", "not a JSON object");
            }
            var typeNode = object.get("type");
            var type = typeNode == null || !typeNode.isString() ? null : typeNode.asString();
            if (type == null) {
                return new Skipped("undecodable", "JSON without a \"type\" field");
            }
            if (JobEventType.fromWireName(type).isEmpty()) {
                return new Skipped(type, "an event type this version does not know");
            }
            var event = Json.MAPPER.treeToValue(object, JobEvent.class);
            if (event.header() == null || event.sequence() < 1) {
                return new Skipped("undecodable", type + " without its header (eventId, sequence, queue, occurredAt)");
            }
            object.remove("payload");
            object.remove("result");
            return new Event(event, object.toString());
        } catch (JacksonException | IllegalArgumentException e) {
            // The records validate themselves in their constructors: a broken one is not an event.
            return new Skipped("undecodable", e.getMessage());
        }
    }
}
