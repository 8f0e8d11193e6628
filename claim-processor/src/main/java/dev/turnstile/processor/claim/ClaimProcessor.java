package dev.turnstile.processor.claim;

import dev.turnstile.contracts.claim.ClaimCommand;
import dev.turnstile.contracts.claim.ClaimEvent;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/** The Streams adapter around {@link ClaimDecider}: load the key's state, decide, store the evolved state, forward. */
final class ClaimProcessor implements Processor<String, ClaimCommand, String, ClaimEvent> {

    private final ClaimDecider decider = new ClaimDecider();
    private ProcessorContext<String, ClaimEvent> context;
    private KeyValueStore<String, ClaimState> store;

    @Override
    public void init(ProcessorContext<String, ClaimEvent> context) {
        this.context = context;
        this.store = context.getStateStore(ClaimTopology.STATE_STORE);
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
        store.put(record.key(), decider.evolve(state, events));
        for (var event : events) {
            // The decision is stamped with its command's time, never the wall clock, so replays are identical.
            context.forward(record.withValue(event).withTimestamp(command.timestamp().toEpochMilli()));
        }
    }
}
