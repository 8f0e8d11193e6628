package dev.turnstile.processor.claim;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a record that can never be decided (it is not a command, or a {@link PoisonCommandException} says it is
 * under the wrong key) to the dead-letter topic of the topic it was read from ({@code <requests>-dlq}: claim
 * requests and job requests each have their own) as it was read, with a header saying why, and lets processing go
 * on. Every other processing error stops the processor: a bug must not silently skip claims or jobs. Without a
 * dead-letter topic configured, such records are only logged and counted.
 */
public final class PoisonCommandHandler implements ProcessingExceptionHandler, DeserializationExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(PoisonCommandHandler.class);

    /** Header naming why the record was set aside. */
    public static final String ERROR_HEADER = "turnstile.error";

    private String deadLetterTopic;

    @Override
    public void configure(Map<String, ?> configs) {
        var topic = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        deadLetterTopic = topic == null ? null : topic.toString();
    }

    @Override
    public DeserializationExceptionHandler.Response handleError(
            ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        return DeserializationExceptionHandler.Response.resume(setAside(context, exception));
    }

    @Override
    public ProcessingExceptionHandler.Response handleError(
            ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        if (!(exception instanceof PoisonCommandException)) {
            return ProcessingExceptionHandler.Response.fail();
        }
        return ProcessingExceptionHandler.Response.resume(setAside(context, exception));
    }

    private List<ProducerRecord<byte[], byte[]>> setAside(ErrorHandlerContext context, Exception exception) {
        log.warn(
                "Set aside record {}-{}@{} on {}: {}. Processing goes on; inspect the dead-letter topic to find its"
                        + " producer.",
                context.topic(),
                context.partition(),
                context.offset(),
                context.topic() == null ? deadLetterTopic : context.topic() + "-dlq",
                exception.getMessage());
        if (deadLetterTopic == null) {
            return List.of();
        }
        var target = context.topic() == null ? deadLetterTopic : context.topic() + "-dlq";
        var headers = new RecordHeaders(context.headers().toArray());
        headers.add(ERROR_HEADER, String.valueOf(exception.getMessage()).getBytes(StandardCharsets.UTF_8));
        return List.of(new ProducerRecord<>(
                target, null, context.timestamp(), context.sourceRawKey(), context.sourceRawValue(), headers));
    }
}
