package dev.turnstile.projections.activity;

import dev.turnstile.contracts.json.Json;
import dev.turnstile.projections.query.Attempt;
import dev.turnstile.projections.query.AttemptFilter;
import dev.turnstile.projections.query.Breakdown;
import dev.turnstile.projections.query.Lease;
import dev.turnstile.projections.query.LeaseState;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;

/**
 * The activity read model's RocksDB store: the key layout of {@link Keys}, counters also kept in memory, and atomic
 * batches that write what {@link ActivityFold} says together with the next offset of each partition read. A crash
 * loses a whole batch or nothing, and a restart resumes from the stored offsets, so nothing is counted twice or
 * missed. One writer at a time; readers never see part of a batch.
 */
final class ActivityStore implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ActivityStore.class);
    private static final byte[] EMPTY = new byte[0];

    /**
     * The store's layout; a store of another layout is rebuilt from offset 0 when opened. 2: leases; 3: minute
     * buckets per project and per task.
     */
    static final String LAYOUT = "3";

    static {
        RocksDB.loadLibrary();
    }

    private final Path directory;
    private final StoreOptions options;
    private final WriteOptions writeOptions = new WriteOptions();
    private final RocksDB db;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Reader reader = new Reader();

    /** The stored counters, written by the batch under the write lock. */
    private Counts totals;

    private final Map<String, Counts> projects = new HashMap<>();
    private final Map<String, Counts> tasks = new HashMap<>();
    private volatile Counters counters;
    private boolean closed;

    /** The counters as of the last batch: immutable, replaced after each batch that counted something. */
    record Counters(
            Counts totals,
            Map<String, Counts> projects,
            Map<String, Counts> tasks,
            List<Breakdown> byProject,
            List<Breakdown> byTask) {}

    private ActivityStore(Path directory, StoreOptions options, RocksDB db) {
        this.directory = directory;
        this.options = options;
        this.db = db;
        loadCounters();
    }

    /**
     * Opens (or creates) the store of {@code topic} in {@code directory}. A store built from another topic, or of
     * another layout, is deleted: the runner then rebuilds it from offset 0.
     *
     * @param rebuild when true, deletes what the directory holds first
     * @throws ProjectionStoreException when the directory cannot be opened (e.g. another process uses it)
     */
    static ActivityStore open(Path directory, String topic, boolean rebuild, long memoryBytes) {
        if (rebuild) {
            log.info(
                    "Rebuilding the activity projection: deleting {}; it is rebuilt from offset 0 of {}",
                    directory,
                    topic);
            deleteRecursively(directory);
        }
        var store = openDirectory(directory, memoryBytes);
        var storedTopic = store.storedString(Keys.META_TOPIC);
        if (storedTopic != null && !storedTopic.equals(topic)) {
            log.warn(
                    "The activity projection in {} was built from topic {}, not {}: deleting it and rebuilding from"
                            + " offset 0 of {}",
                    directory,
                    storedTopic,
                    topic,
                    topic);
            store.close();
            deleteRecursively(directory);
            store = openDirectory(directory, memoryBytes);
        }
        if (storedTopic != null && storedTopic.equals(topic) && !LAYOUT.equals(store.storedString(Keys.META_LAYOUT))) {
            log.warn(
                    "The activity projection in {} has an older layout: deleting it and rebuilding from offset 0 of {}",
                    directory,
                    topic);
            store.close();
            deleteRecursively(directory);
            store = openDirectory(directory, memoryBytes);
            storedTopic = null;
        }
        if (storedTopic == null || !storedTopic.equals(topic)) {
            store.put(Keys.META_TOPIC, Keys.utf8(topic));
            store.put(Keys.META_LAYOUT, Keys.utf8(LAYOUT));
        }
        return store;
    }

    private static ActivityStore openDirectory(Path directory, long memoryBytes) {
        var options = new StoreOptions(memoryBytes);
        try {
            Files.createDirectories(directory);
            return new ActivityStore(directory, options, RocksDB.open(options.options(), directory.toString()));
        } catch (RocksDBException | IOException e) {
            options.close();
            throw new ProjectionStoreException(
                    "Cannot open the activity projection store in " + directory + " ("
                            + e.getMessage() + "). If another process uses this directory, give each its own"
                            + " turnstile.projections.state-dir; if the store is damaged, delete the directory: it is"
                            + " rebuilt from the decisions topic.",
                    e);
        }
    }

    /** Starts a batch; it holds the write lock until closed. */
    Batch begin() {
        lock.writeLock().lock();
        try {
            ensureOpen();
            return new Batch();
        } catch (RuntimeException e) {
            lock.writeLock().unlock();
            throw e;
        }
    }

    /** Runs {@code query} under the read lock, so it sees whole batches only. */
    <T> T read(Function<Reader, T> query) {
        lock.readLock().lock();
        try {
            ensureOpen();
            return query.apply(reader);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The counters as of the last batch, without waiting for one being written. */
    Counters counters() {
        return counters;
    }

    /** Closes the store. Reads and batches afterwards throw {@link IllegalStateException}. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            db.close();
            writeOptions.close();
            options.close();
        } finally {
            lock.writeLock().unlock();
        }
    }

    // ---------------------------------------------------------------- writing

    /**
     * One atomic write: the changes of a poll's decisions, the counters they move and the next offset of each
     * partition read. Reads through it ({@link ActivityFold.Known}) see what it has staged.
     */
    final class Batch implements ActivityFold.Known, AutoCloseable {

        private final WriteBatch batch = new WriteBatch();
        private final Map<Integer, Long> offsets = new TreeMap<>();
        private final Set<String> seen = new HashSet<>();
        private final Map<String, Lease> leases = new HashMap<>();
        /** Minute buckets moved by the batch (every claim's, a project's, a task's), by key. */
        private final Map<byte[], Counts> minutes = new TreeMap<>(Arrays::compareUnsigned);

        private final Map<String, Counts> projectDeltas = new HashMap<>();
        private final Map<String, Counts> taskDeltas = new HashMap<>();
        private Counts totalsDelta = Counts.ZERO;
        private int records;

        private Batch() {}

        /** Notes that the record at {@code offset} of {@code partition} was read: the next offset is stored. */
        void read(int partition, long offset) {
            records++;
            offsets.merge(partition, offset + 1, Math::max);
        }

        @Override
        public boolean seen(String decisionId) {
            return seen.contains(decisionId) || get(Keys.seen(decisionId)) != null;
        }

        @Override
        public Lease lease(String taskKey) {
            if (leases.containsKey(taskKey)) {
                return leases.get(taskKey);
            }
            return decodeLease(get(Keys.lease(taskKey)));
        }

        /** Stages what {@code change} writes. */
        void stage(ActivityFold.Change change) {
            try {
                seen.add(change.decisionId());
                batch.put(Keys.seen(change.decisionId()), EMPTY);
                var position = Keys.position(change.attempt());
                for (var index : change.indexes()) {
                    // The time index holds the attempt itself; the others point at it by position.
                    var value = index instanceof AttemptIndex.All ? attemptJson(change.attempt()) : EMPTY;
                    batch.put(Keys.concat(Keys.prefix(index), position), value);
                }
                var tally = change.tally();
                if (tally != null) {
                    totalsDelta = totalsDelta.plus(tally.counts());
                    projectDeltas.merge(tally.project(), tally.counts(), Counts::plus);
                    taskDeltas.merge(tally.task(), tally.counts(), Counts::plus);
                    minutes.merge(Keys.minute(tally.epochMinute()), tally.counts(), Counts::plus);
                    minutes.merge(
                            Keys.minute(Keys.projectMinutes(tally.project()), tally.epochMinute()),
                            tally.counts(),
                            Counts::plus);
                    minutes.merge(
                            Keys.minute(Keys.taskMinutes(tally.task()), tally.epochMinute()),
                            tally.counts(),
                            Counts::plus);
                }
                var lease = change.lease();
                if (lease != null) {
                    if (lease.before() != null) {
                        batch.delete(Keys.leaseInState(lease.before()));
                    }
                    var after = lease.after();
                    batch.put(Keys.lease(after.taskKey()), Json.MAPPER.writeValueAsBytes(after));
                    batch.put(Keys.leaseInState(after), Keys.utf8(after.taskKey()));
                    leases.put(after.taskKey(), after);
                }
            } catch (RocksDBException e) {
                throw failed(e);
            }
        }

        /** Writes the batch; the in-memory counters follow once the store holds it. */
        void commit() {
            try {
                for (var minute : minutes.entrySet()) {
                    var key = minute.getKey();
                    batch.put(
                            key,
                            Counts.decode(db.get(key)).plus(minute.getValue()).encode());
                }
                for (var project : projectDeltas.entrySet()) {
                    batch.put(
                            Keys.project(project.getKey()),
                            projects.getOrDefault(project.getKey(), Counts.ZERO)
                                    .plus(project.getValue())
                                    .encode());
                }
                for (var task : taskDeltas.entrySet()) {
                    batch.put(
                            Keys.task(task.getKey()),
                            tasks.getOrDefault(task.getKey(), Counts.ZERO)
                                    .plus(task.getValue())
                                    .encode());
                }
                if (!totalsDelta.equals(Counts.ZERO)) {
                    batch.put(Keys.TOTALS, totals.plus(totalsDelta).encode());
                }
                for (var offset : offsets.entrySet()) {
                    batch.put(
                            Keys.offset(offset.getKey()),
                            ByteBuffer.allocate(8).putLong(offset.getValue()).array());
                }
                db.write(writeOptions, batch);
            } catch (RocksDBException e) {
                throw failed(e);
            }
            if (totalsDelta.equals(Counts.ZERO)) {
                return;
            }
            totals = totals.plus(totalsDelta);
            projectDeltas.forEach((project, delta) -> projects.merge(project, delta, Counts::plus));
            taskDeltas.forEach((task, delta) -> tasks.merge(task, delta, Counts::plus));
            publishCounters();
        }

        /** Drops what was not committed and releases the write lock. */
        @Override
        public void close() {
            batch.close();
            lock.writeLock().unlock();
        }

        private static byte[] attemptJson(Attempt attempt) {
            return Json.MAPPER.writeValueAsBytes(attempt);
        }

        private byte[] get(byte[] key) {
            try {
                return db.get(key);
            } catch (RocksDBException e) {
                throw failed(e);
            }
        }

        private ProjectionStoreException failed(RocksDBException e) {
            return new ProjectionStoreException(
                    "Writing " + records + " decisions to the activity projection in " + directory + " failed ("
                            + e.getMessage() + "); nothing of them was written, they are read again.",
                    e);
        }
    }

    // ---------------------------------------------------------------- reading

    /** What queries read; valid only inside {@link #read}. */
    final class Reader {

        private Reader() {}

        Counters counters() {
            return counters;
        }

        /** The next offset to read of each partition, as stored with the last batch. */
        Map<Integer, Long> offsets() {
            var offsets = new TreeMap<Integer, Long>();
            try (var it = db.newIterator()) {
                for (it.seek(Keys.OFFSET); it.isValid() && Keys.startsWith(it.key(), Keys.OFFSET); it.next()) {
                    offsets.put(
                            Keys.partitionOf(it.key()),
                            ByteBuffer.wrap(it.value()).getLong());
                }
            }
            return offsets;
        }

        /** The counts of every minute of {@code minutes} that has any, oldest first. */
        void forEachMinute(QueryRules.Minutes minutes, MinuteVisitor visitor) {
            forEachMinute(Keys.MINUTE, minutes, visitor);
        }

        /**
         * The counts of every minute of {@code minutes} in one series of minute buckets ({@link Keys#MINUTE},
         * {@link Keys#projectMinutes}, {@link Keys#taskMinutes}) that has any, oldest first.
         */
        void forEachMinute(byte[] series, QueryRules.Minutes minutes, MinuteVisitor visitor) {
            var end = Keys.minute(series, minutes.endExclusive());
            try (var it = db.newIterator()) {
                for (it.seek(Keys.minute(series, minutes.first()));
                        it.isValid() && Keys.startsWith(it.key(), series) && Arrays.compareUnsigned(it.key(), end) < 0;
                        it.next()) {
                    visitor.visit(Keys.minuteOf(it.key(), series.length), Counts.decode(it.value()));
                }
            }
        }

        Counts sum(QueryRules.Minutes minutes) {
            var sum = new Counts[] {Counts.ZERO};
            forEachMinute(minutes, (minute, counts) -> sum[0] = sum[0].plus(counts));
            return sum[0];
        }

        /**
         * Every attempt of {@code index} made in {@code [from, to)} milliseconds, newest first, until
         * {@code visitor} returns false.
         */
        void forEachAttemptBetween(AttemptIndex index, long from, long to, Predicate<Attempt> visitor) {
            var prefix = Keys.prefix(index);
            try (var it = db.newIterator()) {
                // Positions order newest first: the first at or before to - 1 ms is where the range starts.
                for (it.seek(Keys.concat(prefix, Keys.position(to - 1, "")));
                        it.isValid() && Keys.startsWith(it.key(), prefix);
                        it.next()) {
                    var position = Keys.suffix(it.key(), prefix.length);
                    var attempt = index instanceof AttemptIndex.All ? decodeAttempt(it.value()) : attemptAt(position);
                    if (attempt == null) {
                        continue;
                    }
                    long at = attempt.attemptedAt().toEpochMilli();
                    if (at < from || (at < to && !visitor.test(attempt))) {
                        return;
                    }
                }
            }
        }

        /**
         * Up to {@code max} attempts of {@code index} that {@code filter} keeps, newest first.
         *
         * @param after the position to start after; null to start at the newest
         */
        List<QueryRules.Listed> attempts(AttemptIndex index, byte[] after, AttemptFilter filter, int max) {
            var prefix = Keys.prefix(index);
            var found = new ArrayList<QueryRules.Listed>();
            try (var it = db.newIterator()) {
                var start = after == null ? prefix : Keys.concat(prefix, after);
                it.seek(start);
                if (after != null && it.isValid() && Arrays.equals(it.key(), start)) {
                    it.next();
                }
                for (; it.isValid() && Keys.startsWith(it.key(), prefix) && found.size() < max; it.next()) {
                    var position = Keys.suffix(it.key(), prefix.length);
                    var attempt = index instanceof AttemptIndex.All ? decodeAttempt(it.value()) : attemptAt(position);
                    if (attempt != null && filter.matches(attempt)) {
                        found.add(new QueryRules.Listed(position, attempt));
                    }
                }
            }
            return found;
        }

        /** Up to {@code max} distinct SHAs that start with {@code prefix}, in order. */
        List<String> shasStartingWith(String prefix, int max) {
            var shas = new ArrayList<String>();
            var start = Keys.concat(Keys.BY_SHA, Keys.utf8(prefix));
            try (var it = db.newIterator()) {
                it.seek(start);
                while (it.isValid() && Keys.startsWith(it.key(), start) && shas.size() < max) {
                    var key = it.key();
                    int end = indexOf(key, Keys.SEPARATOR, Keys.BY_SHA.length);
                    if (end < 0) {
                        break;
                    }
                    var sha = Keys.string(key, Keys.BY_SHA.length, end);
                    shas.add(sha);
                    // Jump past every entry of this SHA: the separator (0) is followed by its positions.
                    it.seek(Keys.concat(Keys.BY_SHA, Keys.utf8(sha), new byte[] {Keys.SEPARATOR + 1}));
                }
            }
            return shas;
        }

        /** Up to {@code max} leases in {@code state}, most recently granted first. */
        List<Lease> leases(LeaseState state, int max) {
            var index = Keys.named(Keys.BY_LEASE_STATE, state.label());
            var leases = new ArrayList<Lease>();
            try (var it = db.newIterator()) {
                for (it.seek(index);
                        it.isValid() && Keys.startsWith(it.key(), index) && leases.size() < max;
                        it.next()) {
                    var lease = decodeLease(db.get(Keys.concat(Keys.LEASE, it.value())));
                    if (lease != null) {
                        leases.add(lease);
                    }
                }
            } catch (RocksDBException e) {
                throw new ProjectionStoreException(
                        "Reading leases from the activity projection in " + directory + " failed: " + e.getMessage(),
                        e);
            }
            return leases;
        }

        private Attempt attemptAt(byte[] position) {
            try {
                return decodeAttempt(db.get(Keys.attempt(position)));
            } catch (RocksDBException e) {
                throw new ProjectionStoreException(
                        "Reading an attempt from " + directory + " failed: " + e.getMessage(), e);
            }
        }
    }

    @FunctionalInterface
    interface MinuteVisitor {
        void visit(long minute, Counts counts);
    }

    // ---------------------------------------------------------------- helpers

    private Attempt decodeAttempt(byte[] json) {
        if (json == null) {
            return null;
        }
        try {
            return Json.MAPPER.readValue(json, Attempt.class);
        } catch (JacksonException e) {
            throw new ProjectionStoreException(
                    "An attempt in " + directory + " cannot be read (" + e.getOriginalMessage()
                            + "); delete the directory to rebuild the projection from the decisions topic.",
                    e);
        }
    }

    private Lease decodeLease(byte[] json) {
        if (json == null) {
            return null;
        }
        try {
            return Json.MAPPER.readValue(json, Lease.class);
        } catch (JacksonException e) {
            throw new ProjectionStoreException(
                    "A lease in " + directory + " cannot be read (" + e.getOriginalMessage()
                            + "); delete the directory to rebuild the projection from the decisions topic.",
                    e);
        }
    }

    private void loadCounters() {
        try {
            totals = Counts.decode(db.get(Keys.TOTALS));
        } catch (RocksDBException e) {
            throw new ProjectionStoreException(
                    "Reading the counters in " + directory + " failed: " + e.getMessage(), e);
        }
        loadNamed(Keys.PROJECT, projects);
        loadNamed(Keys.TASK, tasks);
        publishCounters();
    }

    private void loadNamed(byte[] prefix, Map<String, Counts> into) {
        try (var it = db.newIterator()) {
            for (it.seek(prefix); it.isValid() && Keys.startsWith(it.key(), prefix); it.next()) {
                into.put(Keys.string(it.key(), prefix.length, it.key().length), Counts.decode(it.value()));
            }
        }
    }

    private void publishCounters() {
        counters = new Counters(
                totals,
                Map.copyOf(projects),
                Map.copyOf(tasks),
                QueryRules.breakdown(projects),
                QueryRules.breakdown(tasks));
    }

    private String storedString(byte[] key) {
        try {
            var bytes = db.get(key);
            return bytes == null ? null : Keys.string(bytes, 0, bytes.length);
        } catch (RocksDBException e) {
            throw new ProjectionStoreException("Reading " + directory + " failed: " + e.getMessage(), e);
        }
    }

    private void put(byte[] key, byte[] value) {
        try {
            db.put(writeOptions, key, value);
        } catch (RocksDBException e) {
            throw new ProjectionStoreException("Writing to " + directory + " failed: " + e.getMessage(), e);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("The activity projection in " + directory + " is closed");
        }
    }

    private static int indexOf(byte[] bytes, byte value, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == value) {
                return i;
            }
        }
        return -1;
    }

    private static void deleteRecursively(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(directory)) {
            for (var path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new ProjectionStoreException(
                    "Cannot delete " + directory + " to rebuild the activity projection (" + e.getMessage()
                            + "); delete it by hand.",
                    e);
        }
    }
}
