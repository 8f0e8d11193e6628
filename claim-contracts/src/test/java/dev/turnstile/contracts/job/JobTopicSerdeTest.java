package dev.turnstile.contracts.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.turnstile.contracts.json.Json;
import dev.turnstile.contracts.topic.JobTopics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/** What the job topics carry reads back as what was written, with the field names the wire promises. */
class JobTopicSerdeTest {

    private static final JobTopics TOPICS = JobTopics.DEFAULT;

    @Test
    void every_command_reads_back_from_the_requests_serde_equal_to_what_was_written() {
        var serde = TOPICS.requests().valueSerde();
        for (var command : JobSamples.COMMANDS) {
            var bytes = serde.serializer().serialize("job-requests", command);

            assertThat(serde.deserializer().deserialize("job-requests", bytes)).isEqualTo(command);
        }
    }

    @Test
    void every_event_reads_back_from_the_events_serde_equal_to_what_was_written_and_writes_the_same_bytes_again() {
        var serde = TOPICS.events().valueSerde();
        for (var event : JobSamples.EVENTS) {
            var bytes = serde.serializer().serialize("job-events", event);
            var read = serde.deserializer().deserialize("job-events", bytes);

            assertThat(read).isEqualTo(event);
            assertThat(serde.serializer().serialize("job-events", read)).isEqualTo(bytes);
        }
    }

    @Test
    void the_samples_hold_every_command_type_and_every_event_type() {
        Set<Class<?>> commandTypes = new HashSet<>();
        JobSamples.COMMANDS.forEach(command -> commandTypes.add(command.getClass()));
        Set<JobEventType> eventTypes = new HashSet<>();
        JobSamples.EVENTS.forEach(event -> eventTypes.add(JobEventType.of(event)));

        assertThat(commandTypes).hasSize(16);
        assertThat(eventTypes).containsExactlyInAnyOrder(JobEventType.values());
    }

    @Test
    void headers_are_unwrapped_so_the_request_id_and_queue_sit_at_the_top_level() {
        var command = written(JobSamples.COMMANDS.get(3));
        var event = written(JobSamples.EVENTS.get(4));

        assertThat(command.propertyNames())
                .contains("type", "schemaVersion", "requestId", "queue", "workerId", "waitSeconds", "requestedAt")
                .doesNotContain("header");
        assertThat(command.get("type").asString()).isEqualTo("ClaimNextJob");
        assertThat(event.propertyNames())
                .contains(
                        "type",
                        "schemaVersion",
                        "eventId",
                        "sequence",
                        "queue",
                        "requestId",
                        "occurredAt",
                        "redelivery",
                        "jobId",
                        "attempt",
                        "fencingToken",
                        "leaseExpiresAt",
                        "payload")
                .doesNotContain("header");
        assertThat(event.get("eventId").asString()).isEqualTo("billing#5");
        assertThat(event.get("payload").get("invoice").asInt()).isEqualTo(42);
    }

    @Test
    void every_event_is_written_with_the_type_name_its_event_type_names() {
        for (var event : JobSamples.EVENTS) {
            assertThat(written(event).get("type").asString())
                    .isEqualTo(JobEventType.of(event).wireName());
            assertThat(JobEventType.fromWireName(JobEventType.of(event).wireName()))
                    .contains(JobEventType.of(event));
        }
    }

    @Test
    void enum_values_are_written_in_lower_case_with_underscores() {
        var failed = written(JobSamples.EVENTS.get(12));
        var refused = written(JobSamples.EVENTS.get(22));

        assertThat(failed.get("state").asString()).isEqualTo("failed_will_retry");
        assertThat(failed.get("failure").asString()).isEqualTo("worker_failed");
        assertThat(refused.get("refused").asString()).isEqualTo("heartbeat");
        assertThat(refused.get("reason").asString()).isEqualTo("cancelled");
        assertThat(Arrays.stream(JobState.values()).map(JobState::wireName))
                .containsExactly("delayed", "waiting", "active", "succeeded", "failed_will_retry", "dead", "cancelled");
    }

    @Test
    void an_enqueue_without_the_optional_fields_reads_with_the_defaults() {
        var minimal = """
                {"type":"EnqueueJob","schemaVersion":1,"requestId":"req-00000001","queue":"billing",
                 "jobId":"invoice-42","name":"send-invoice","requestedAt":"2026-11-23T10:30:00.123Z"}""";

        var command = (EnqueueJob) read(minimal);

        assertThat(command.priority()).isZero();
        assertThat(command.maxAttempts()).isEqualTo(3);
        assertThat(command.leaseSeconds()).isEqualTo(30);
        assertThat(command.backoff()).isEqualTo(Backoff.DEFAULT);
        assertThat(command.payload()).isNull();
        assertThat(command.dueAt()).isEqualTo(Instant.parse("2026-11-23T10:30:00.123Z"));
    }

    @Test
    void a_command_that_breaks_a_rule_fails_to_read_so_that_the_processor_sets_it_aside() {
        var tooLong = """
                {"type":"ClaimNextJob","schemaVersion":1,"requestId":"req-00000001","queue":"billing",
                 "workerId":"worker-1","waitSeconds":31,"requestedAt":"2026-11-23T10:30:00.123Z"}""";

        assertThatThrownBy(() -> read(tooLong))
                .isInstanceOf(SerializationException.class)
                .hasStackTraceContaining("waitSeconds must be 0 to 30; got 31");
    }

    @Test
    void an_enqueue_with_both_run_at_and_a_delay_is_refused_naming_the_job_and_queue() {
        var both = EnqueueJob.of("billing", "req-00000001", "invoice-42", "send-invoice", null, JobSamples.AT)
                .withDelaySeconds(5);

        // The withers replace one with the other, so only a hand-made record can hold both.
        assertThatCode(() -> both.withRunAt(JobSamples.AT)).doesNotThrowAnyException();
        assertThatThrownBy(() -> new EnqueueJob(
                        both.header(),
                        "invoice-42",
                        "send-invoice",
                        null,
                        0,
                        JobSamples.AT,
                        5L,
                        3,
                        null,
                        30,
                        null,
                        JobSamples.AT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("job invoice-42 on queue billing")
                .hasMessageContaining("at most one");
    }

    @Test
    void a_payload_over_64_kib_is_refused() {
        var big = Json.MAPPER.getNodeFactory().stringNode("x".repeat(JobRules.PAYLOAD_MAX_BYTES));

        assertThatThrownBy(() ->
                        EnqueueJob.of("billing", "req-00000001", "invoice-42", "send-invoice", big, JobSamples.AT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("payload must be at most 65536 bytes of JSON");
    }

    @Test
    void an_event_of_a_type_this_reader_does_not_know_fails_to_read_so_that_readers_can_skip_it() {
        var future = "{\"type\":\"JobPromoted\",\"schemaVersion\":1}";

        assertThatThrownBy(() -> TOPICS.events()
                        .valueSerde()
                        .deserializer()
                        .deserialize("job-events", future.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class);
    }

    @Test
    void a_retried_request_has_the_fingerprint_of_the_original_and_a_changed_one_does_not() {
        var enqueue = (EnqueueJob) JobSamples.COMMANDS.get(1);

        assertThat(enqueue.at(JobSamples.AT.plusSeconds(5)).fingerprint()).isEqualTo(enqueue.fingerprint());
        assertThat(enqueue.withPriority(11).fingerprint()).isNotEqualTo(enqueue.fingerprint());
        assertThat(enqueue.withDedupKey("customer-8").fingerprint()).isNotEqualTo(enqueue.fingerprint());
    }

    @Test
    void each_request_names_the_answer_type_it_is_answered_with() {
        for (var command : JobSamples.COMMANDS) {
            if (command instanceof JobRequest<?> request) {
                assertThat(request.answerType()).isInterface();
                assertThat(request.answerType()).isAssignableFrom(JobRequestRefused.class);
            }
        }
    }

    @Test
    void redelivery_marks_the_same_event_as_repeated() {
        var event = JobSamples.EVENTS.get(4);

        assertThat(event.asRedelivery().redelivery()).isTrue();
        assertThat(event.asRedelivery().eventId()).isEqualTo(event.eventId());
        assertThat(event.asRedelivery().withHeader(event.header())).isEqualTo(event);
    }

    @Test
    void a_lease_running_out_answers_no_request_but_a_reported_failure_does() {
        assertThat(JobSamples.EVENTS.get(12).answersRequest()).isTrue();
        assertThat(JobSamples.EVENTS.get(13).answersRequest()).isFalse();
        assertThat(JobSamples.EVENTS.get(3).answersRequest()).isFalse();
        assertThat(JobSamples.EVENTS.get(6).answersRequest()).isFalse();
    }

    private static ObjectNode written(Object value) {
        byte[] bytes = value instanceof JobCommand command
                ? TOPICS.requests().valueSerde().serializer().serialize("job-requests", command)
                : TOPICS.events().valueSerde().serializer().serialize("job-events", (JobEvent) value);
        return (ObjectNode) Json.MAPPER.readTree(bytes);
    }

    private static JobCommand read(String json) {
        return TOPICS.requests()
                .valueSerde()
                .deserializer()
                .deserialize("job-requests", json.getBytes(StandardCharsets.UTF_8));
    }
}
