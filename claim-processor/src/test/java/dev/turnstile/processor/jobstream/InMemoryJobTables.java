package dev.turnstile.processor.jobstream;

import dev.turnstile.processor.jobs.JobRecord;
import dev.turnstile.processor.jobs.QueueSummary;
import dev.turnstile.processor.jobs.RememberedJobAnswer;
import java.util.AbstractMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The job tables over sorted maps, for the pure decider's contract run and the simulation. A snapshot copies every
 * table (a commit the processor could roll back to).
 */
final class InMemoryJobTables implements JobTables {

    private final MapTable<QueueSummary> queues;
    private final MapTable<JobRecord> jobs;
    private final MapTable<String> waiting;
    private final MapTable<String> timers;
    private final MapTable<String> dedup;
    private final Map<String, RememberedJobAnswer> answers;

    InMemoryJobTables() {
        this(new TreeMap<>(), new TreeMap<>(), new TreeMap<>(), new TreeMap<>(), new TreeMap<>(), new HashMap<>());
    }

    private InMemoryJobTables(TreeMap<String, QueueSummary> queues, TreeMap<String, JobRecord> jobs,
            TreeMap<String, String> waiting, TreeMap<String, String> timers, TreeMap<String, String> dedup,
            Map<String, RememberedJobAnswer> answers) {
        this.queues = new MapTable<>(queues);
        this.jobs = new MapTable<>(jobs);
        this.waiting = new MapTable<>(waiting);
        this.timers = new MapTable<>(timers);
        this.dedup = new MapTable<>(dedup);
        this.answers = answers;
    }

    /** An independent copy of every table. */
    InMemoryJobTables snapshot() {
        return new InMemoryJobTables(new TreeMap<>(queues.map), new TreeMap<>(jobs.map), new TreeMap<>(waiting.map),
                new TreeMap<>(timers.map), new TreeMap<>(dedup.map), new HashMap<>(answers));
    }

    Map<String, QueueSummary> queueMap() {
        return queues.map;
    }

    Map<String, JobRecord> jobMap() {
        return jobs.map;
    }

    Map<String, String> waitingMap() {
        return waiting.map;
    }

    Map<String, String> dedupMap() {
        return dedup.map;
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

    @Override
    public Optional<RememberedJobAnswer> answer(String key) {
        return Optional.ofNullable(answers.get(key));
    }

    @Override
    public void remember(String key, RememberedJobAnswer answer) {
        answers.put(key, answer);
    }

    private record MapTable<V>(TreeMap<String, V> map) implements Table<V> {

        @Override
        public V get(String key) {
            return map.get(key);
        }

        @Override
        public void put(String key, V value) {
            map.put(key, value);
        }

        @Override
        public void delete(String key) {
            map.remove(key);
        }

        @Override
        public List<Map.Entry<String, V>> range(String from, String to, int limit) {
            return map.subMap(from, true, to, true).entrySet().stream()
                    .limit(limit)
                    .<Map.Entry<String, V>>map(entry -> new AbstractMap.SimpleImmutableEntry<>(entry.getKey(),
                            entry.getValue()))
                    .toList();
        }
    }
}
