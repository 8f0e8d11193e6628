package dev.turnstile.projections.activity;

import dev.turnstile.contracts.json.Json;
import dev.turnstile.projections.query.ActivityQueries;
import dev.turnstile.projections.query.ActivityStats;
import dev.turnstile.projections.query.Attempt;
import dev.turnstile.projections.query.AttemptFilter;
import dev.turnstile.projections.query.AttemptPage;
import dev.turnstile.projections.query.Breakdown;
import dev.turnstile.projections.query.Lease;
import dev.turnstile.projections.query.LeaseState;
import dev.turnstile.projections.query.Result;
import dev.turnstile.projections.query.Subscription;
import dev.turnstile.projections.query.TimelineBucket;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;

/**
 * The activity read model: claim attempts from the decisions topic, kept in RocksDB and answered through
 * {@link ActivityQueries}. One thread applies records ({@link #apply}, normally a {@link ProjectionRunner}); any
 * thread may query.
 *
 * <p>Each {@link #apply} call writes one atomic {@link WriteBatch} holding the new attempts, every counter they
 * change <em>and</em> the next offset of each partition it read. A restart resumes from those offsets, and a crash
 * loses the whole batch or nothing, so nothing is counted twice or missed. Independently, a decision whose id was
 * applied before (a redelivery, a replayed topic) is ignored.
 *
 * <p>Stats are incremental: totals and per-project / per-task counts live in the store and in memory; the 24 h
 * figures sum one-minute buckets. Counting the last 24 h means the 1440 whole minutes up to and including the
 * current minute of the clock, so the window's start is exact to the minute.
 */
public final class ActivityProjection implements ActivityQueries, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ActivityProjection.class);

    private static final byte[] EMPTY = new byte[0];
    private static final long MINUTE_MILLIS = 60_000;
    private static final long DAY_MINUTES = 24 * 60;
    private static final int MAX_TIMELINE_BUCKETS = 10_000;
    /** A filtered page is served from the SHA index only when the prefix names one SHA; beyond, another index. */
    private static final int SHAS_LISTED_WHEN_AMBIGUOUS = 5;
    /** Different event kinds warned about once each; beyond, they are logged at debug only. */
    private static final int MAX_WARNED_KINDS = 100;

    static {
        RocksDB.loadLibrary();
    }

    private final Path directory;
    private final Clock clock;
    private final StoreOptions options;
    private final WriteOptions writeOptions;
    private final RocksDB db;
    private final DecisionDecoder decoder = new DecisionDecoder();
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final List<Consumer<Attempt>> listeners = new CopyOnWriteArrayList<>();
    private final Set<String> warnedKinds = ConcurrentHashMap.newKeySet();
    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong repeated = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong listenerErrors = new AtomicLong();

    /** Written by the applying thread under the write lock. */
    private Counts totals;

    private final Map<String, Counts> projects = new HashMap<>();
    private final Map<String, Counts> tasks = new HashMap<>();
    private volatile Snapshot snapshot;
    private volatile boolean ready;
    private boolean closed;

    /** What stats() and index choice read: immutable, replaced after each batch. */
    private record Snapshot(
            Counts totals,
            Map<String, Counts> projects,
            Map<String, Counts> tasks,
            List<Breakdown> byProject,
            List<Breakdown> byTask) {}

    /** The store's layout; a store of another layout is rebuilt from offset 0 when opened. 2: leases. */
    static final String LAYOUT = "2";

    private ActivityProjection(Path directory, Clock clock, StoreOptions options, RocksDB db) {
        this.directory = directory;
        this.clock = clock;
        this.options = options;
        this.db = db;
        this.writeOptions = new WriteOptions();
        loadCounters();
    }

    /**
     * Opens (or creates) the read model of {@code topic} in {@code directory}.
     *
     * @param rebuild when true, deletes what the directory holds first, so the model is rebuilt from offset 0
     * @throws ProjectionStoreException when the directory cannot be opened (e.g. another process uses it)
     */
    public static ActivityProjection open(Path directory, String topic, Clock clock, boolean rebuild) {
        return open(directory, topic, clock, rebuild, StoreOptions.DEFAULT_MEMORY_BYTES);
    }

    /**
     * Opens (or creates) the read model of {@code topic} in {@code directory}, its RocksDB off-heap memory (block
     * cache, memtables, index and filter blocks) bounded by {@code memoryBytes}.
     *
     * @param rebuild when true, deletes what the directory holds first, so the model is rebuilt from offset 0
     * @throws ProjectionStoreException when the directory cannot be opened (e.g. another process uses it)
     */
    public static ActivityProjection open(
            Path directory, String topic, Clock clock, boolean rebuild, long memoryBytes) {
        if (rebuild) {
            log.info("Rebuilding the activity projection: deleting {}; it is rebuilt from offset 0 of {}", directory, topic);
            deleteRecursively(directory);
        }
        var projection = openDirectory(directory, clock, memoryBytes);
        var storedTopic = projection.storedTopic();
        if (storedTopic != null && !storedTopic.equals(topic)) {
            log.warn(
                    "The activity projection in {} was built from topic {}, not {}: deleting it and rebuilding from"
                            + " offset 0 of {}",
                    directory,
                    storedTopic,
                    topic,
                    topic);
            projection.close();
            deleteRecursively(directory);
            projection = openDirectory(directory, clock, memoryBytes);
        }
        if (storedTopic != null && storedTopic.equals(topic) && !LAYOUT.equals(projection.storedString(Keys.META_LAYOUT))) {
            log.warn("The activity projection in {} has an older layout: deleting it and rebuilding from offset 0 of {}",
                    directory, topic);
            projection.close();
            deleteRecursively(directory);
            projection = openDirectory(directory, clock, memoryBytes);
            storedTopic = null;
        }
        if (storedTopic == null || !storedTopic.equals(topic)) {
            projection.put(Keys.META_TOPIC, Keys.utf8(topic));
            projection.put(Keys.META_LAYOUT, Keys.utf8(LAYOUT));
        }
        return projection;
    }

    private static ActivityProjection openDirectory(Path directory, Clock clock, long memoryBytes) {
        var options = new StoreOptions(memoryBytes);
        try {
            Files.createDirectories(directory);
            return new ActivityProjection(
                    directory, clock, options, RocksDB.open(options.options(), directory.toString()));
        } catch (RocksDBException | IOException e) {
            options.close();
            throw new ProjectionStoreException("Cannot open the activity projection store in " + directory + " ("
                    + e.getMessage() + "). If another process uses this directory, give each its own"
                    + " turnstile.projections.state-dir; if the store is damaged, delete the directory: it is"
                    + " rebuilt from the decisions topic.", e);
        }
    }

    // ---------------------------------------------------------------- applying

    /**
     * Applies records of the decisions topic, in order, as one atomic write that also records the next offset of
     * each partition seen. Decisions already applied (by decision id) and records that are not claim decisions are
     * skipped and counted; listeners hear of each new attempt after the write.
     *
     * @return the attempts that were new
     * @throws ProjectionStoreException when the store fails; nothing of the batch was written
     */
    public List<Attempt> apply(List<DecisionRecord> records) {
        List<Attempt> fresh = new ArrayList<>();
        lock.writeLock().lock();
        try {
            ensureOpen();
            var offsets = new TreeMap<Integer, Long>();
            var ids = new HashSet<String>();
            var minutes = new TreeMap<Long, Counts>();
            var projectChanges = new HashMap<String, Counts>();
            var taskChanges = new HashMap<String, Counts>();
            var newTotals = totals;
            long repeats = 0;
            long skips = 0;
            try (var batch = new WriteBatch()) {
                var leaseBook = new LeaseBook(db::get, batch);
                for (var record : records) {
                    offsets.merge(record.partition(), record.offset() + 1, Math::max);
                    switch (decoder.decode(record.value())) {
                        case DecisionDecoder.Skipped skip -> {
                            skips++;
                            logSkip(record, skip);
                        }
                        case DecisionDecoder.Decision decision -> {
                            var attempt = decision.attempt();
                            if (!ids.add(attempt.decisionId()) || db.get(Keys.seen(attempt.decisionId())) != null) {
                                repeats++;
                                continue;
                            }
                            leaseBook.apply(decision.event());
                            if (!decision.listed()) {
                                batch.put(Keys.seen(attempt.decisionId()), EMPTY);
                                continue;
                            }
                            write(batch, attempt);
                            if (!decision.counted()) {
                                fresh.add(attempt);
                                continue;
                            }
                            boolean granted = attempt.wasGranted();
                            newTotals = newTotals.plus(granted);
                            projectChanges.put(attempt.project(), projectChanges
                                    .getOrDefault(attempt.project(), projects.getOrDefault(attempt.project(), Counts.ZERO))
                                    .plus(granted));
                            taskChanges.put(attempt.task(), taskChanges
                                    .getOrDefault(attempt.task(), tasks.getOrDefault(attempt.task(), Counts.ZERO))
                                    .plus(granted));
                            minutes.merge(
                                    Math.floorDiv(attempt.attemptedAt().toEpochMilli(), MINUTE_MILLIS),
                                    Counts.ZERO.plus(granted),
                                    Counts::plus);
                            fresh.add(attempt);
                        }
                    }
                }
                for (var minute : minutes.entrySet()) {
                    var key = Keys.minute(minute.getKey());
                    batch.put(key, Counts.decode(db.get(key)).plus(minute.getValue()).encode());
                }
                for (var project : projectChanges.entrySet()) {
                    batch.put(Keys.project(project.getKey()), project.getValue().encode());
                }
                for (var task : taskChanges.entrySet()) {
                    batch.put(Keys.task(task.getKey()), task.getValue().encode());
                }
                if (!fresh.isEmpty()) {
                    batch.put(Keys.TOTALS, newTotals.encode());
                }
                for (var offset : offsets.entrySet()) {
                    batch.put(Keys.offset(offset.getKey()), ByteBuffer.allocate(8).putLong(offset.getValue()).array());
                }
                db.write(writeOptions, batch);
            } catch (RocksDBException e) {
                throw new ProjectionStoreException("Writing " + records.size() + " decisions to the activity projection"
                        + " in " + directory + " failed (" + e.getMessage() + "); nothing of them was written, they"
                        + " are read again.", e);
            }
            totals = newTotals;
            projects.putAll(projectChanges);
            tasks.putAll(taskChanges);
            applied.addAndGet(fresh.size());
            repeated.addAndGet(repeats);
            skipped.addAndGet(skips);
            if (!fresh.isEmpty()) {
                publishSnapshot();
            }
        } finally {
            lock.writeLock().unlock();
        }
        notifyListeners(fresh);
        return fresh;
    }

    private void write(WriteBatch batch, Attempt attempt) throws RocksDBException {
        var position = Keys.position(attempt.attemptedAt().toEpochMilli(), attempt.decisionId());
        batch.put(Keys.seen(attempt.decisionId()), EMPTY);
        batch.put(Keys.attempt(position), Json.MAPPER.writeValueAsBytes(attempt));
        batch.put(Keys.concat(Keys.named(Keys.BY_PROJECT, attempt.project()), position), EMPTY);
        batch.put(Keys.concat(Keys.named(Keys.BY_TASK, attempt.task()), position), EMPTY);
        if (attempt.isClaim()) {
            batch.put(Keys.concat(Keys.result(attempt.wasGranted()), position), EMPTY);
        }
        batch.put(Keys.concat(Keys.named(Keys.BY_SHA, attempt.gitSha()), position), EMPTY);
    }

    private void logSkip(DecisionRecord record, DecisionDecoder.Skipped skip) {
        boolean first = warnedKinds.size() < MAX_WARNED_KINDS && warnedKinds.add(skip.kind());
        if (first) {
            log.warn(
                    "Skipping a record at partition {} offset {} of the decisions topic: {} ({}). Records of this kind"
                            + " are skipped and counted in turnstile.projections.skipped; this is logged once.",
                    record.partition(),
                    record.offset(),
                    skip.kind(),
                    skip.detail());
        } else {
            log.debug("Skipping a record at partition {} offset {}: {} ({})", record.partition(), record.offset(),
                    skip.kind(), skip.detail());
        }
    }

    private void notifyListeners(List<Attempt> fresh) {
        for (var attempt : fresh) {
            for (var listener : listeners) {
                try {
                    listener.accept(attempt);
                } catch (RuntimeException e) {
                    listenerErrors.incrementAndGet();
                    log.warn("An activity listener failed on {}; the projection goes on and the listener stays"
                            + " subscribed (counted in turnstile.projections.listener.errors)", attempt.decisionId(), e);
                }
            }
        }
    }

    /** The next offset to read of each partition, as stored with the last applied batch. */
    public Map<Integer, Long> storedOffsets() {
        lock.readLock().lock();
        try {
            ensureOpen();
            var offsets = new TreeMap<Integer, Long>();
            try (var it = db.newIterator()) {
                for (it.seek(Keys.OFFSET); it.isValid() && Keys.startsWith(it.key(), Keys.OFFSET); it.next()) {
                    offsets.put(Keys.partitionOf(it.key()), ByteBuffer.wrap(it.value()).getLong());
                }
            }
            return offsets;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Marks the projection caught up with the topic (see {@link #ready()}). */
    void markReady() {
        if (!ready) {
            ready = true;
            log.info("Activity projection caught up: {} attempts", snapshot.totals().total());
        }
    }

    // ---------------------------------------------------------------- counters

    /** New attempts applied since this projection was opened. */
    public long appliedCount() {
        return applied.get();
    }

    /** Decisions ignored because their decision id was applied before (redeliveries, replays). */
    public long repeatedCount() {
        return repeated.get();
    }

    /** Records skipped because they are not claim decisions (other event kinds, undecodable, tombstones). */
    public long skippedCount() {
        return skipped.get();
    }

    /** Exceptions thrown by subscribed listeners. */
    public long listenerErrorCount() {
        return listenerErrors.get();
    }

    // ---------------------------------------------------------------- queries

    @Override
    public ActivityStats stats() {
        lock.readLock().lock();
        try {
            ensureOpen();
            var current = snapshot;
            var now = clock.instant();
            long nowMinute = Math.floorDiv(now.toEpochMilli(), MINUTE_MILLIS);
            var lastDay = sumMinutes(nowMinute - DAY_MINUTES + 1, nowMinute + 1);
            return new ActivityStats(
                    current.totals().total(),
                    lastDay.total(),
                    current.totals().blocked(),
                    lastDay.blocked(),
                    current.byProject(),
                    current.byTask(),
                    now);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public AttemptPage recentAttempts(AttemptFilter filter, String cursor, int limit) {
        var wanted = filter == null ? AttemptFilter.none() : filter;
        int size = limit <= 0 ? DEFAULT_PAGE_SIZE : Math.min(limit, MAX_PAGE_SIZE);
        byte[] after = cursor == null || cursor.isBlank() ? null : Cursors.decode(cursor);
        lock.readLock().lock();
        try {
            ensureOpen();
            var index = chooseIndex(wanted);
            if (index == null) {
                return new AttemptPage(List.of(), null);
            }
            var positions = new ArrayList<byte[]>();
            var items = new ArrayList<Attempt>();
            try (var it = db.newIterator()) {
                var start = after == null ? index : Keys.concat(index, after);
                it.seek(start);
                if (after != null && it.isValid() && Arrays.equals(it.key(), start)) {
                    it.next();
                }
                for (; it.isValid() && Keys.startsWith(it.key(), index) && items.size() <= size; it.next()) {
                    var position = Keys.suffix(it.key(), index.length);
                    var attempt = index == Keys.ATTEMPT ? decode(it.value()) : attemptAt(position);
                    if (attempt != null && wanted.matches(attempt)) {
                        positions.add(position);
                        items.add(attempt);
                    }
                }
            }
            if (items.size() > size) {
                return new AttemptPage(items.subList(0, size), Cursors.encode(positions.get(size - 1)));
            }
            return new AttemptPage(items, null);
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * The index prefix to walk for {@code filter}, or null when nothing can match. A SHA prefix that names one SHA
     * wins; otherwise the set filter with the fewest attempts (known from the counters); the time index when nothing
     * is set. Filters not served by the index are checked on each attempt.
     */
    private byte[] chooseIndex(AttemptFilter filter) {
        if (filter.shaPrefix() != null) {
            var shas = shasStartingWith(filter.shaPrefix(), 2);
            if (shas.isEmpty()) {
                return null;
            }
            if (shas.size() == 1) {
                return Keys.named(Keys.BY_SHA, shas.getFirst());
            }
        }
        var current = snapshot;
        byte[] best = Keys.ATTEMPT;
        long bestCount = Long.MAX_VALUE;
        if (filter.project() != null) {
            long count = current.projects().getOrDefault(filter.project(), Counts.ZERO).total();
            if (count < bestCount) {
                best = Keys.named(Keys.BY_PROJECT, filter.project());
                bestCount = count;
            }
        }
        if (filter.task() != null) {
            long count = current.tasks().getOrDefault(filter.task(), Counts.ZERO).total();
            if (count < bestCount) {
                best = Keys.named(Keys.BY_TASK, filter.task());
                bestCount = count;
            }
        }
        if (filter.result() != null) {
            var totalsNow = current.totals();
            long count = filter.result() == Result.BLOCKED ? totalsNow.blocked() : totalsNow.total() - totalsNow.blocked();
            if (count < bestCount) {
                best = Keys.result(filter.result() == Result.GRANTED);
                bestCount = count;
            }
        }
        return bestCount == 0 ? null : best;
    }

    @Override
    public List<Attempt> attemptsForSha(String gitSha) {
        if (gitSha == null || gitSha.isBlank()) {
            throw new IllegalArgumentException("gitSha must not be blank");
        }
        var sha = gitSha.strip().toLowerCase(java.util.Locale.ROOT);
        lock.readLock().lock();
        try {
            ensureOpen();
            var shas = shasStartingWith(sha, SHAS_LISTED_WHEN_AMBIGUOUS + 1);
            if (shas.isEmpty()) {
                return List.of();
            }
            String match;
            if (shas.contains(sha)) {
                match = sha;
            } else if (shas.size() == 1) {
                match = shas.getFirst();
            } else {
                throw new IllegalArgumentException("gitSha \"" + gitSha + "\" is the start of several SHAs ("
                        + String.join(", ", shas.subList(0, Math.min(shas.size(), SHAS_LISTED_WHEN_AMBIGUOUS)))
                        + (shas.size() > SHAS_LISTED_WHEN_AMBIGUOUS ? ", …" : "")
                        + "); give more characters");
            }
            var index = Keys.named(Keys.BY_SHA, match);
            var attempts = new ArrayList<Attempt>();
            try (var it = db.newIterator()) {
                for (it.seek(index); it.isValid() && Keys.startsWith(it.key(), index); it.next()) {
                    var attempt = attemptAt(Keys.suffix(it.key(), index.length));
                    if (attempt != null) {
                        attempts.add(attempt);
                    }
                }
            }
            return attempts;
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public List<Lease> leases(LeaseState state, int limit) {
        if (state == null) {
            throw new IllegalArgumentException("state must be given: active, expired, released or completed");
        }
        int size = limit <= 0 ? DEFAULT_PAGE_SIZE : Math.min(limit, MAX_PAGE_SIZE);
        lock.readLock().lock();
        try {
            ensureOpen();
            var index = Keys.named(Keys.BY_LEASE_STATE, state.label());
            var leases = new ArrayList<Lease>();
            try (var it = db.newIterator()) {
                for (it.seek(index); it.isValid() && Keys.startsWith(it.key(), index) && leases.size() < size; it.next()) {
                    var lease = LeaseBook.decode(db.get(Keys.concat(Keys.LEASE, it.value())));
                    if (lease != null) {
                        leases.add(lease);
                    }
                }
            }
            return leases;
        } catch (RocksDBException e) {
            throw new ProjectionStoreException("Reading leases from the activity projection in " + directory
                    + " failed: " + e.getMessage(), e);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Up to {@code max} distinct SHAs that start with {@code prefix}, in order; the exact SHA first if present. */
    private List<String> shasStartingWith(String prefix, int max) {
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

    @Override
    public List<TimelineBucket> timeline(Instant from, Instant to, Duration bucket) {
        if (from == null || to == null || bucket == null) {
            throw new IllegalArgumentException("from, to and bucket are required");
        }
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("from must be before to; got from=" + from + ", to=" + to);
        }
        if (bucket.isNegative() || bucket.isZero() || bucket.toMillis() % MINUTE_MILLIS != 0) {
            throw new IllegalArgumentException(
                    "bucket must be a positive whole number of minutes (e.g. PT5M, PT1H, P1D); got " + bucket);
        }
        long bucketMillis = bucket.toMillis();
        long first = Math.floorDiv(from.toEpochMilli(), bucketMillis) * bucketMillis;
        long end = to.toEpochMilli();
        long count = Math.ceilDiv(end - first, bucketMillis);
        if (count > MAX_TIMELINE_BUCKETS) {
            throw new IllegalArgumentException("from/to/bucket would give " + count + " buckets; at most "
                    + MAX_TIMELINE_BUCKETS + " are allowed: use a larger bucket or a shorter range");
        }
        var attempts = new long[(int) count];
        var blocked = new long[(int) count];
        lock.readLock().lock();
        try {
            ensureOpen();
            forEachMinute(Math.floorDiv(first, MINUTE_MILLIS), Math.ceilDiv(end, MINUTE_MILLIS), (minute, counts) -> {
                int slot = (int) ((minute * MINUTE_MILLIS - first) / bucketMillis);
                attempts[slot] += counts.total();
                blocked[slot] += counts.blocked();
            });
        } finally {
            lock.readLock().unlock();
        }
        var buckets = new ArrayList<TimelineBucket>((int) count);
        for (int i = 0; i < count; i++) {
            buckets.add(new TimelineBucket(Instant.ofEpochMilli(first + i * bucketMillis), attempts[i], blocked[i]));
        }
        return buckets;
    }

    @Override
    public Subscription subscribe(Consumer<Attempt> listener) {
        java.util.Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public boolean ready() {
        return ready;
    }

    /** Closes the store. Queries afterwards throw {@link IllegalStateException}. */
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

    // ---------------------------------------------------------------- store helpers

    private Counts sumMinutes(long fromMinute, long toMinuteExclusive) {
        var sum = new Counts[] {Counts.ZERO};
        forEachMinute(fromMinute, toMinuteExclusive, (minute, counts) -> sum[0] = sum[0].plus(counts));
        return sum[0];
    }

    private void forEachMinute(long fromMinute, long toMinuteExclusive, MinuteVisitor visitor) {
        var end = Keys.minute(toMinuteExclusive);
        try (var it = db.newIterator()) {
            for (it.seek(Keys.minute(fromMinute));
                    it.isValid() && Keys.startsWith(it.key(), Keys.MINUTE) && Arrays.compareUnsigned(it.key(), end) < 0;
                    it.next()) {
                visitor.visit(Keys.minuteOf(it.key()), Counts.decode(it.value()));
            }
        }
    }

    @FunctionalInterface
    private interface MinuteVisitor {
        void visit(long minute, Counts counts);
    }

    private Attempt attemptAt(byte[] position) {
        try {
            return decode(db.get(Keys.attempt(position)));
        } catch (RocksDBException e) {
            throw new ProjectionStoreException("Reading an attempt from " + directory + " failed: " + e.getMessage(), e);
        }
    }

    private Attempt decode(byte[] json) {
        if (json == null) {
            return null;
        }
        try {
            return Json.MAPPER.readValue(json, Attempt.class);
        } catch (JacksonException e) {
            throw new ProjectionStoreException("An attempt in " + directory + " cannot be read (" + e.getOriginalMessage()
                    + "); delete the directory to rebuild the projection from the decisions topic.", e);
        }
    }

    private void loadCounters() {
        try {
            totals = Counts.decode(db.get(Keys.TOTALS));
        } catch (RocksDBException e) {
            throw new ProjectionStoreException("Reading the counters in " + directory + " failed: " + e.getMessage(), e);
        }
        loadNamed(Keys.PROJECT, projects);
        loadNamed(Keys.TASK, tasks);
        publishSnapshot();
    }

    private void loadNamed(byte[] prefix, Map<String, Counts> into) {
        try (RocksIterator it = db.newIterator()) {
            for (it.seek(prefix); it.isValid() && Keys.startsWith(it.key(), prefix); it.next()) {
                into.put(Keys.string(it.key(), prefix.length, it.key().length), Counts.decode(it.value()));
            }
        }
    }

    private void publishSnapshot() {
        snapshot = new Snapshot(totals, Map.copyOf(projects), Map.copyOf(tasks), breakdown(projects), breakdown(tasks));
    }

    private static List<Breakdown> breakdown(Map<String, Counts> counts) {
        return counts.entrySet().stream()
                .map(entry -> new Breakdown(entry.getKey(), entry.getValue().total(), entry.getValue().blocked()))
                .sorted(Comparator.comparingLong(Breakdown::total).reversed().thenComparing(Breakdown::label))
                .toList();
    }

    private String storedTopic() {
        return storedString(Keys.META_TOPIC);
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
            throw new ProjectionStoreException("Cannot delete " + directory + " to rebuild the activity projection ("
                    + e.getMessage() + "); delete it by hand.", e);
        }
    }
}
