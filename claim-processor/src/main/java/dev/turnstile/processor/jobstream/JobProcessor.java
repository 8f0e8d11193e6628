package dev.turnstile.processor.jobstream;

import dev.turnstile.contracts.job.JobCommand;
import dev.turnstile.contracts.topic.CloudEventHeaders;
import dev.turnstile.contracts.topic.JobTopics;
import dev.turnstile.processor.claim.PoisonCommandException;
import dev.turnstile.processor.jobs.JobDecider;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.MDC;

/**
 * The Streams adapter around {@link JobDecider}: decide the command against the stored view of its queue, apply the
 * events to the stores, forward them to {@code job-events}. On a wall-clock schedule it appends a timer command to
 * {@code job-requests} for each delay, backoff, lease or parked wait that has come due, so that timers are decided
 * in each queue's log order from command timestamps.
 */
final class JobProcessor implements Processor<String, JobCommand, String, Object> {

    /** MDC key of the request being decided, so that every log line about it names it. */
    static final String REQUEST_ID_MDC = "requestId";

    private final JobDecider decider;
    private final Duration timerCheckInterval;
    private ProcessorContext<String, Object> context;
    private JobTables tables;
    private StoredJobView view;
    private JobStoreWriter writer;

    /**
     * @param decider the rules
     * @param timerCheckInterval how often to look for timers that have come due; zero turns the checks off
     */
    JobProcessor(JobDecider decider, Duration timerCheckInterval) {
        this.decider = decider;
        this.timerCheckInterval = timerCheckInterval;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.tables = new KafkaJobTables(context);
        this.view = new StoredJobView(tables);
        this.writer = new JobStoreWriter(tables);
        if (!timerCheckInterval.isZero()) {
            context.schedule(timerCheckInterval, PunctuationType.WALL_CLOCK_TIME, this::appendDueTimers);
        }
    }

    @Override
    public void process(Record<String, JobCommand> record) {
        var command = record.value();
        if (command == null || !command.queue().equals(record.key())) {
            // A record the gateway would never write: setting it aside keeps the queue's log decidable.
            throw new PoisonCommandException("record key " + record.key() + " does not match its command's queue "
                    + (command == null ? "(no command)" : command.queue()));
        }
        // Every log line about this command names its request, as on the claim path.
        MDC.put(REQUEST_ID_MDC, command.requestId());
        try {
            decide(record, command);
        } finally {
            MDC.remove(REQUEST_ID_MDC);
        }
    }

    private void decide(Record<String, JobCommand> record, JobCommand command) {
        var decision = decider.decide(command, view);
        writer.apply(command.queue(), decision);
        for (var decided : decision.decided()) {
            // Stamped with the command's time and given CloudEvents headers made from the event alone, never the wall
            // clock, so that replays are identical.
            var event = record.<Object>withValue(decided.event())
                    .withTimestamp(command.timestamp().toEpochMilli())
                    .withHeaders(CloudEventHeaders.of(decided.event()));
            if (decided.answers() != null) {
                event.headers()
                        .add(
                                JobTopics.ANSWERED_REQUEST_HEADER,
                                decided.answers().getBytes(StandardCharsets.UTF_8));
            }
            context.forward(event, JobTopology.EVENTS_SINK);
        }
    }

    private void appendDueTimers(long wallClockMillis) {
        for (var check : JobTimers.takeDue(tables, wallClockMillis)) {
            context.forward(new Record<String, Object>(check.queue(), check, wallClockMillis), JobTopology.TIMERS_SINK);
        }
    }
}
