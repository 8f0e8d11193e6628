package dev.turnstile.processor.jobstream;

import dev.turnstile.processor.jobs.JobRecord;
import dev.turnstile.processor.jobs.QueueSummary;
import dev.turnstile.processor.jobs.RememberedJobAnswer;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;

/** The job tables over the topology's RocksDB stores (each with a changelog that restores it after a crash). */
final class KafkaJobTables implements JobTables {

    private final Table<QueueSummary> queues;
    private final Table<JobRecord> jobs;
    private final Table<String> waiting;
    private final Table<String> timers;
    private final Table<String> dedup;
    private final WindowStore<String, RememberedJobAnswer> answers;
    private final LongSupplier streamTime;

    KafkaJobTables(ProcessorContext<?, ?> context) {
        this.queues = new StoreTable<>(context.getStateStore(JobTopology.QUEUES_STORE));
        this.jobs = new StoreTable<>(context.getStateStore(JobTopology.JOBS_STORE));
        this.waiting = new StoreTable<>(context.getStateStore(JobTopology.WAITING_STORE));
        this.timers = new StoreTable<>(context.getStateStore(JobTopology.TIMERS_STORE));
        this.dedup = new StoreTable<>(context.getStateStore(JobTopology.DEDUP_STORE));
        this.answers = context.getStateStore(JobTopology.ANSWERS_STORE);
        this.streamTime = context::currentStreamTimeMs;
    }

    @Override
    public Table<QueueSummary> queues() {
        return queues;
    }

    @Override
    public Table<JobRecord> jobs() {
        return jobs;
    }

    @Override
    public Table<String> waiting() {
        return waiting;
    }

    @Override
    public Table<String> timers() {
        return timers;
    }

    @Override
    public Table<String> dedup() {
        return dedup;
    }

    /** The latest answer under the key: Streams drops answers older than the request memory plus a margin. */
    @Override
    public Optional<RememberedJobAnswer> answer(String key) {
        RememberedJobAnswer latest = null;
        try (var stored = answers.fetch(key, 0L, Long.MAX_VALUE)) {
            while (stored.hasNext()) {
                latest = stored.next().value;
            }
        }
        return Optional.ofNullable(latest);
    }

    /**
     * Filed under the partition's stream time (never behind it), so that Streams keeps the answer for the retention
     * from now on even when the command's own timestamp lags.
     */
    @Override
    public void remember(String key, RememberedJobAnswer answer) {
        answers.put(key, answer, Math.max(answer.answeredAt().toEpochMilli(), streamTime.getAsLong()));
    }

    private record StoreTable<V>(KeyValueStore<String, V> store) implements Table<V> {

        @Override
        public V get(String key) {
            return store.get(key);
        }

        @Override
        public void put(String key, V value) {
            store.put(key, value);
        }

        @Override
        public void delete(String key) {
            store.delete(key);
        }

        @Override
        public List<Map.Entry<String, V>> range(String from, String to, int limit) {
            var entries = new ArrayList<Map.Entry<String, V>>();
            try (var range = store.range(from, to)) {
                while (range.hasNext() && entries.size() < limit) {
                    var next = range.next();
                    entries.add(new AbstractMap.SimpleImmutableEntry<>(next.key, next.value));
                }
            }
            return entries;
        }
    }
}
