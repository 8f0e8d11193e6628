package dev.turnstile.processor.jobstream;

import dev.turnstile.processor.jobs.JobRecord;
import dev.turnstile.processor.jobs.QueueSummary;
import dev.turnstile.processor.jobs.RememberedJobAnswer;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The job tables over sorted maps, for the pure decider's contract run and the simulation. Every change is written
 * to an undo journal, so that the simulation can roll the stores back to any earlier commit (a crash) without
 * copying them at every command.
 */
final class InMemoryJobTables implements JobTables {

    /** One change: the map, the key and the value before (null: there was none). */
    private record Change(TreeMap<String, Object> map, String key, Object before) {}

    private final List<Change> journal = new ArrayList<>();
    private final MapTable<QueueSummary> queues = new MapTable<>();
    private final MapTable<JobRecord> jobs = new MapTable<>();
    private final MapTable<String> waiting = new MapTable<>();
    private final MapTable<String> timers = new MapTable<>();
    private final MapTable<String> dedup = new MapTable<>();
    private final MapTable<RememberedJobAnswer> answers = new MapTable<>();

    /** The journal's position now: a commit to roll back to. */
    int mark() {
        return journal.size();
    }

    /** Undoes every change since {@code mark}: the stores as they were at that commit. */
    void rollBackTo(int mark) {
        for (int i = journal.size() - 1; i >= mark; i--) {
            var change = journal.remove(i);
            if (change.before() == null) {
                change.map().remove(change.key());
            } else {
                change.map().put(change.key(), change.before());
            }
        }
    }

    Map<String, QueueSummary> queueMap() {
        return queues.view();
    }

    Map<String, JobRecord> jobMap() {
        return jobs.view();
    }

    Map<String, String> waitingMap() {
        return waiting.view();
    }

    Map<String, String> dedupMap() {
        return dedup.view();
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

    private final class MapTable<V> implements Table<V> {

        private final TreeMap<String, Object> map = new TreeMap<>();

        @SuppressWarnings("unchecked")
        Map<String, V> view() {
            return (Map<String, V>) (Map<String, ?>) java.util.Collections.unmodifiableMap(map);
        }

        @Override
        @SuppressWarnings("unchecked")
        public V get(String key) {
            return (V) map.get(key);
        }

        @Override
        public void put(String key, V value) {
            journal.add(new Change(map, key, map.put(key, value)));
        }

        @Override
        public void delete(String key) {
            var before = map.remove(key);
            if (before != null) {
                journal.add(new Change(map, key, before));
            }
        }

        @Override
        @SuppressWarnings("unchecked")
        public List<Map.Entry<String, V>> range(String from, String to, int limit) {
            var entries = new ArrayList<Map.Entry<String, V>>();
            for (var entry : map.subMap(from, true, to, true).entrySet()) {
                if (entries.size() == limit) {
                    break;
                }
                entries.add(new AbstractMap.SimpleImmutableEntry<>(entry.getKey(), (V) entry.getValue()));
            }
            return entries;
        }
    }
}
