package dev.turnstile.processor.claim;

import dev.turnstile.contracts.claim.ClaimCommand;
import dev.turnstile.contracts.claim.ExpireDue;
import dev.turnstile.contracts.claim.TaskKey;
import dev.turnstile.contracts.topic.ClaimTopics;
import dev.turnstile.contracts.topic.CloudEventHeaders;
import dev.turnstile.processor.decision.ClaimDecider;
import dev.turnstile.processor.decision.ClaimState;
import dev.turnstile.processor.decision.RememberedAnswer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Optional;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The Streams adapter around {@link ClaimDecider}: load the key's state and the answer earlier given to the
 * command's request id, decide, store the evolved state and the answer to remember, forward.
 * It also keeps an index of active leases by expiry and, on a wall-clock schedule, appends an {@link ExpireDue}
 * check to the requests topic for each lease past its expiry, so that expiries are announced promptly while still
 * being decided in log order from command timestamps.
 */
final class ClaimProcessor implements Processor<String, ClaimCommand, String, Object> {

    /** MDC key of the request being decided, so that every log line about it names it. */
    static final String REQUEST_ID_MDC = "requestId";

    private static final Logger log = LoggerFactory.getLogger(ClaimProcessor.class);

    private final ClaimDecider decider;
    private final Duration expiryCheckInterval;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, ClaimState> store;
    private WindowStore<String, RememberedAnswer> answers;
    private KeyValueStore<String, Long> expiries;

    /**
     * @param decider the rules
     * @param expiryCheckInterval how often to look for leases past expiry; zero turns the checks off
     */
    ClaimProcessor(ClaimDecider decider, Duration expiryCheckInterval) {
        this.decider = decider;
        this.expiryCheckInterval = expiryCheckInterval;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.store = context.getStateStore(ClaimTopology.STATE_STORE);
        this.answers = context.getStateStore(ClaimTopology.ANSWERS_STORE);
        this.expiries = context.getStateStore(ClaimTopology.EXPIRY_INDEX_STORE);
        if (!expiryCheckInterval.isZero()) {
            context.schedule(expiryCheckInterval, PunctuationType.WALL_CLOCK_TIME, this::appendExpiryChecks);
        }
    }

    @Override
    public void process(Record<String, ClaimCommand> record) {
        var command = record.value();
        if (command == null || !command.taskKey().equals(record.key())) {
            // A record the gateway would never write: setting it aside keeps the key's log decidable.
            throw new PoisonCommandException("record key " + record.key() + " does not match its command's task key "
                    + (command == null ? "(no command)" : command.taskKey()));
        }
        MDC.put(REQUEST_ID_MDC, command.requestId());
        try {
            decide(record, command);
        } finally {
            MDC.remove(REQUEST_ID_MDC);
        }
    }

    private void decide(Record<String, ClaimCommand> record, ClaimCommand command) {
        var state = store.get(record.key());
        if (state == null) {
            state = ClaimState.EMPTY;
        }
        var earlier = answerTo(command);
        var events = decider.decide(command, state, earlier);
        var evolved = decider.evolve(state, events);
        store.put(record.key(), evolved);
        // Filed under the partition's stream time (never behind it), so that Streams keeps the answer for the
        // retention from now on even when the command's own timestamp lags (a gateway whose clock is behind).
        decider.answerToRemember(command, earlier, events)
                .ifPresent(answer -> answers.put(
                        answerKey(command),
                        answer,
                        Math.max(answer.answeredAt().toEpochMilli(), context.currentStreamTimeMs())));
        reindex(record.key(), state, evolved);
        for (var event : events) {
            // Stamped with its command's time and given CloudEvents headers made from the decision alone, never the
            // wall clock, so replays are identical.
            var decision = record.<Object>withValue(event)
                    .withTimestamp(command.timestamp().toEpochMilli())
                    .withHeaders(CloudEventHeaders.of(event));
            if (event.answersRequest()) {
                decision.headers()
                        .add(
                                ClaimTopics.ANSWERED_REQUEST_HEADER,
                                command.fingerprint().getBytes(StandardCharsets.UTF_8));
            }
            context.forward(decision, ClaimTopology.DECISIONS_SINK);
            log.debug("Decided {} on {}: {}", command.requestId(), record.key(), decision.value());
        }
    }

    /**
     * The latest answer stored under the command's request id on its key. The store drops answers older than the
     * request memory (plus a margin) by stream time; the decider decides which of what remains still counts.
     */
    private Optional<RememberedAnswer> answerTo(ClaimCommand command) {
        if (command instanceof ExpireDue) {
            return Optional.empty();
        }
        RememberedAnswer latest = null;
        try (var stored = answers.fetch(answerKey(command), 0L, Long.MAX_VALUE)) {
            while (stored.hasNext()) {
                latest = stored.next().value;
            }
        }
        return Optional.ofNullable(latest);
    }

    /** {@code <task key>|<request id>}: request ids are per key. */
    private static String answerKey(ClaimCommand command) {
        return command.taskKey() + '|' + command.requestId();
    }

    /** Keeps the expiry index in step with the key's active lease. */
    private void reindex(String key, ClaimState before, ClaimState after) {
        Optional<Instant> was = before.leaseDueAt();
        Optional<Instant> now = after.leaseDueAt();
        if (was.equals(now) && before.fencingToken() == after.fencingToken()) {
            return;
        }
        was.ifPresent(due -> expiries.delete(indexKey(due, key)));
        now.ifPresent(due -> expiries.put(indexKey(due, key), after.holder().fencingToken()));
    }

    /**
     * Appends a check for every lease whose expiry is at or before {@code wallClockMillis}. Each entry is checked
     * once: it is removed here, and a renewal processed before the check re-indexes the lease under its new expiry.
     */
    private void appendExpiryChecks(long wallClockMillis) {
        var due = new ArrayList<KeyValue<String, Long>>();
        try (var entries = expiries.range(indexKey(Instant.EPOCH, ""), indexUpperBound(wallClockMillis))) {
            entries.forEachRemaining(due::add);
        }
        var checkedAt = Instant.ofEpochMilli(wallClockMillis);
        for (var entry : due) {
            expiries.delete(entry.key);
            var taskKey = TaskKey.parse(taskKeyOf(entry.key));
            var check = ExpireDue.of(taskKey, entry.value, checkedAt);
            context.forward(
                    new Record<String, Object>(taskKey.value(), check, wallClockMillis),
                    ClaimTopology.EXPIRY_CHECKS_SINK);
        }
    }

    /** {@code <expiry epoch millis, 13 digits>|<task key>}: sorted by expiry in the store. */
    private static String indexKey(Instant due, String taskKey) {
        return String.format("%013d|%s", due.toEpochMilli(), taskKey);
    }

    private static String indexUpperBound(long wallClockMillis) {
        // '~' sorts after '|', so every key due at exactly this millisecond is included.
        return String.format("%013d~", wallClockMillis);
    }

    private static String taskKeyOf(String indexKey) {
        return indexKey.substring(indexKey.indexOf('|') + 1);
    }
}
