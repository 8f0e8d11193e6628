package dev.turnstile.processor.claim;

import dev.turnstile.contracts.claim.ClaimCommand;
import dev.turnstile.contracts.claim.ExpireDue;
import dev.turnstile.contracts.claim.TaskKey;
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

/**
 * The Streams adapter around {@link ClaimDecider}: load the key's state, decide, store the evolved state, forward.
 * It also keeps an index of active leases by expiry and, on a wall-clock schedule, appends an {@link ExpireDue}
 * check to the requests topic for each lease past its expiry, so that expiries are announced promptly while still
 * being decided in log order from command timestamps.
 */
final class ClaimProcessor implements Processor<String, ClaimCommand, String, Object> {

    private final ClaimDecider decider = new ClaimDecider();
    private final Duration expiryCheckInterval;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, ClaimState> store;
    private KeyValueStore<String, Long> expiries;

    /** @param expiryCheckInterval how often to look for leases past expiry; zero turns the checks off */
    ClaimProcessor(Duration expiryCheckInterval) {
        this.expiryCheckInterval = expiryCheckInterval;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.store = context.getStateStore(ClaimTopology.STATE_STORE);
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
        var state = store.get(record.key());
        if (state == null) {
            state = ClaimState.EMPTY;
        }
        var events = decider.decide(command, state);
        var evolved = decider.evolve(state, events);
        store.put(record.key(), evolved);
        reindex(record.key(), state, evolved);
        for (var event : events) {
            // The decision is stamped with its command's time, never the wall clock, so replays are identical.
            context.forward(
                    record.<Object>withValue(event).withTimestamp(command.timestamp().toEpochMilli()),
                    ClaimTopology.DECISIONS_SINK);
        }
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
            context.forward(new Record<String, Object>(taskKey.value(), check, wallClockMillis), ClaimTopology.EXPIRY_CHECKS_SINK);
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
