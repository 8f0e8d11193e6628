package dev.turnstile.projections.jobs;

import dev.turnstile.contracts.job.JobEnqueued;
import dev.turnstile.contracts.job.JobEvent;
import dev.turnstile.contracts.job.JobEventHeader;
import dev.turnstile.contracts.job.JobEventType;
import dev.turnstile.contracts.job.JobState;
import dev.turnstile.contracts.json.Json;
import dev.turnstile.projections.feed.TopicFeed;
import dev.turnstile.projections.query.Subscription;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;

/**
 * The work-queue read model: the events of {@code job-events}, folded by {@link JobFold} into queues, jobs and their
 * histories, kept in RocksDB and answered through {@link JobQueries}. One thread applies records ({@link #apply},
 * normally a {@link TopicFeed}); any thread may query.
 *
 * <p>Each {@link #apply} call writes one atomic {@link WriteBatch} holding everything the records changed <em>and</em>
 * the next offset of each partition it read, so a restart resumes exactly where it stopped and a crash never applies
 * a record twice. Independently, each queue's events are applied once, in order, by their sequence: a redelivered or
 * replayed event is ignored.
 */
public final class JobProjection implements JobQueries, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(JobProjection.class);
    private static final TopicFeed.Model FED_AS = new TopicFeed.Model(
            "job read model", "job-projection", "The Runs page and the job API show older states meanwhile.");

    /** The store's layout; a store of another layout is rebuilt from offset 0 when opened. */
    static final String LAYOUT = "1";

    /** Jobs a clean drops per atomic write, so that the reader thread never waits long for it. */
    private static final int CLEAN_CHUNK = 500;

    /** Different skipped kinds warned about once each; beyond, they are logged at debug only. */
    private static final int MAX_WARNED_KINDS = 100;

    private static final byte CURSOR_VERSION = 1;

    static {
        RocksDB.loadLibrary();
    }

    private final Path directory;
    private final Clock clock;
    private final JobLimits limits;
    private final Options options;
    private final WriteOptions writeOptions;
    private final RocksDB db;
    private final JobEventDecoder decoder = new JobEventDecoder();
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final List<Consumer<JobChange>> listeners = new CopyOnWriteArrayList<>();
    private final Set<String> warnedKinds = ConcurrentHashMap.newKeySet();
    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong repeated = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong restarted = new AtomicLong();
    private final AtomicLong cleaned = new AtomicLong();
    private final AtomicLong listenerErrors = new AtomicLong();

    /** Every queue, written by the applying thread (and a clean) under the write lock. */
    private final Map<String, QueueOverview> queues = new HashMap<>();

    private volatile List<QueueOverview> queueSnapshot = List.of();
    private volatile BiConsumer<JobEvent, String> answerSink = (event, answers) -> {};
    private volatile boolean ready;
    private boolean closed;

    private JobProjection(Path directory, Clock clock, JobLimits limits, Options options, RocksDB db) {
        this.directory = directory;
        this.clock = clock;
        this.limits = limits;
        this.options = options;
        this.db = db;
        this.writeOptions = new WriteOptions();
        loadQueues();
    }

    /**
     * Opens (or creates) the read model of {@code topic} in {@code directory}.
     *
     * @param rebuild when true, deletes what the directory holds first, so the model is rebuilt from offset 0
     * @throws JobStoreException when the directory cannot be opened (e.g. another process uses it)
     */
    public static JobProjection open(Path directory, String topic, Clock clock, JobLimits limits, boolean rebuild) {
        if (rebuild) {
            log.info("Rebuilding the job read model: deleting {}; it is rebuilt from offset 0 of {}", directory, topic);
            deleteRecursively(directory);
        }
        var projection = openDirectory(directory, clock, limits);
        var storedTopic = projection.storedString(StoreKeys.META_TOPIC);
        var storedLayout = projection.storedString(StoreKeys.META_LAYOUT);
        if (storedTopic != null && (!storedTopic.equals(topic) || !LAYOUT.equals(storedLayout))) {
            log.warn(
                    "The job read model in {} was built from topic {} with layout {}, not {} with layout {}: deleting"
                            + " it and rebuilding from offset 0 of {}",
                    directory,
                    storedTopic,
                    storedLayout,
                    topic,
                    LAYOUT,
                    topic);
            projection.close();
            deleteRecursively(directory);
            projection = openDirectory(directory, clock, limits);
            storedTopic = null;
        }
        if (storedTopic == null) {
            projection.put(StoreKeys.META_TOPIC, StoreKeys.utf8(topic));
            projection.put(StoreKeys.META_LAYOUT, StoreKeys.utf8(LAYOUT));
        }
        return projection;
    }

    private static JobProjection openDirectory(Path directory, Clock clock, JobLimits limits) {
        var options = new Options().setCreateIfMissing(true);
        try {
            Files.createDirectories(directory);
            return new JobProjection(directory, clock, limits, options, RocksDB.open(options, directory.toString()));
        } catch (RocksDBException | IOException e) {
            options.close();
            throw new JobStoreException(
                    "Cannot open the job read model in " + directory + " (" + e.getMessage()
                            + "). If another process uses this directory, give each its own"
                            + " turnstile.projections.jobs.state-dir; if the store is damaged, delete the directory: it is"
                            + " rebuilt from the job-events topic.",
                    e);
        }
    }

    // ---------------------------------------------------------------- applying

    /** An event that answers a request, with the fingerprint of the request it answers. */
    private record Answer(JobEvent event, String answers) {}

    /**
     * Applies records of {@code job-events}, in order, as one atomic write that also records the next offset of each
     * partition seen. Repeated events and records that are not job events are skipped and counted; subscribers hear
     * of each change after the write, and the answer sink of every answer (repeated ones too).
     *
     * @return the changes that subscribers heard of
     * @throws JobStoreException when the store fails; nothing of the batch was written
     */
    public List<JobChange.EventApplied> apply(List<JobEventRecord> records) {
        var changes = new ArrayList<JobChange.EventApplied>();
        var answers = new ArrayList<Answer>();
        lock.writeLock().lock();
        try {
            ensureOpen();
            var offsets = new TreeMap<Integer, Long>();
            var touched = new HashMap<String, QueueOverview>();
            var jobs = new HashMap<String, Optional<StoredJob>>();
            long fresh = 0;
            long repeats = 0;
            long skips = 0;
            long restarts = 0;
            try (var batch = new WriteBatch()) {
                for (var record : records) {
                    offsets.merge(record.partition(), record.offset() + 1, Math::max);
                    switch (decoder.decode(record.value())) {
                        case JobEventDecoder.Skipped skip -> {
                            skips++;
                            logSkip(record, skip);
                        }
                        case JobEventDecoder.Event decoded -> {
                            var event = decoded.event();
                            if (event.answersRequest()) {
                                answers.add(new Answer(event, record.answers()));
                            }
                            var name = event.queue();
                            var queue =
                                    touched.computeIfAbsent(name, q -> queues.getOrDefault(q, QueueOverview.empty(q)));
                            if (!JobFold.isNew(queue, event)) {
                                repeats++;
                                continue;
                            }
                            var jobId = JobFold.jobIdOf(event);
                            var key = name + '\n' + jobId;
                            var before = jobId == null
                                    ? null
                                    : jobs.computeIfAbsent(key, k -> Optional.ofNullable(readJob(name, jobId)))
                                            .orElse(null);
                            var folded = JobFold.fold(queue, before, event);
                            if (before == null && folded.after() != null && !(event instanceof JobEnqueued)) {
                                restarts++;
                            }
                            write(batch, folded);
                            touched.put(name, folded.queue());
                            if (folded.before() != null || folded.after() != null) {
                                jobs.put(key, Optional.ofNullable(folded.after()));
                            }
                            fresh++;
                            if (folded.streamed()) {
                                var type = JobEventType.of(event);
                                var change = new JobChange.EventApplied(
                                        name, event.sequence(), event.eventId(), type, jobId, decoded.streamJson());
                                batch.put(
                                        StoreKeys.event(name, event.sequence()),
                                        Json.MAPPER.writeValueAsBytes(
                                                new StreamedEvent(type.wireName(), jobId, decoded.streamJson())));
                                changes.add(change);
                            }
                        }
                    }
                }
                for (var queue : touched.values()) {
                    batch.put(StoreKeys.queue(queue.queue()), Json.MAPPER.writeValueAsBytes(queue));
                    long keepFrom = queue.lastSequence() - limits.replayEvents() + 1;
                    if (keepFrom > 1) {
                        batch.deleteRange(
                                StoreKeys.ofQueue(StoreKeys.EVENTS, queue.queue()),
                                StoreKeys.event(queue.queue(), keepFrom));
                    }
                }
                for (var offset : offsets.entrySet()) {
                    batch.put(
                            StoreKeys.offset(offset.getKey()),
                            ByteBuffer.allocate(8).putLong(offset.getValue()).array());
                }
                db.write(writeOptions, batch);
            } catch (RocksDBException e) {
                throw new JobStoreException(
                        "Writing " + records.size() + " job events to the read model in "
                                + directory + " failed (" + e.getMessage()
                                + "); nothing of them was written, they are read"
                                + " again.",
                        e);
            }
            queues.putAll(touched);
            if (!touched.isEmpty()) {
                publishQueues();
            }
            applied.addAndGet(fresh);
            repeated.addAndGet(repeats);
            skipped.addAndGet(skips);
            restarted.addAndGet(restarts);
        } finally {
            lock.writeLock().unlock();
        }
        changes.forEach(this::notifyListeners);
        var sink = answerSink;
        for (var answer : answers) {
            sink.accept(answer.event(), answer.answers());
        }
        return changes;
    }

    /** Writes what a fold changed: the job and its index entries, its timeline, log lines and artifact. */
    private void write(WriteBatch batch, JobFold.Folded folded) throws RocksDBException {
        var before = folded.before();
        var after = folded.after();
        if (before == null && after == null) {
            return;
        }
        var held = after != null ? after : before;
        var queue = held.queue();
        var jobId = held.jobId();
        var oldKeys = indexKeys(before);
        var newKeys = indexKeys(after);
        for (var key : oldKeys) {
            if (newKeys.stream().noneMatch(other -> Arrays.equals(other, key))) {
                batch.delete(key);
            }
        }
        for (var key : newKeys) {
            if (oldKeys.stream().noneMatch(other -> Arrays.equals(other, key))) {
                batch.put(key, StoreKeys.utf8(jobId));
            }
        }
        if (after == null) {
            deleteRows(batch, queue, jobId);
            return;
        }
        batch.put(StoreKeys.job(queue, jobId), Json.MAPPER.writeValueAsBytes(after));
        if (folded.timeline() != null) {
            putBounded(
                    batch,
                    StoreKeys.TIMELINE,
                    after,
                    after.timelineCount(),
                    folded.timeline(),
                    limits.timelineEntries());
        }
        for (var line : folded.logs()) {
            putBounded(batch, StoreKeys.LOGS, after, line.number(), line, limits.logLines());
        }
        if (folded.artifact() != null) {
            putBounded(batch, StoreKeys.ARTIFACTS, after, after.artifactCount(), folded.artifact(), limits.artifacts());
        }
    }

    /** Puts entry {@code number} of a per-job list and drops the one that falls out of its bound. */
    private static void putBounded(WriteBatch batch, byte[] kind, StoredJob job, long number, Object entry, int bound)
            throws RocksDBException {
        batch.put(StoreKeys.entry(kind, job.queue(), job.jobId(), number), Json.MAPPER.writeValueAsBytes(entry));
        if (number > bound) {
            batch.delete(StoreKeys.entry(kind, job.queue(), job.jobId(), number - bound));
        }
    }

    /** The index entries that list {@code job} (none for null). */
    private static List<byte[]> indexKeys(StoredJob job) {
        if (job == null) {
            return List.of();
        }
        var keys = new ArrayList<byte[]>(4);
        keys.add(StoreKeys.allJobs(job.queue(), job.enqueueSequence()));
        keys.add(StoreKeys.byState(job.queue(), job.state(), job.enqueueSequence()));
        if (job.name() != null) {
            keys.add(StoreKeys.byName(job.queue(), job.name(), job.enqueueSequence()));
        }
        if (job.finished() && job.finishedAt() != null) {
            keys.add(StoreKeys.finished(job.queue(), job.finishedAt(), job.enqueueSequence()));
        }
        return keys;
    }

    /** Deletes a job's record and everything kept about it. */
    private static void deleteRows(WriteBatch batch, String queue, String jobId) throws RocksDBException {
        batch.delete(StoreKeys.job(queue, jobId));
        for (var kind : List.of(StoreKeys.TIMELINE, StoreKeys.LOGS, StoreKeys.ARTIFACTS)) {
            var prefix = StoreKeys.ofJob(kind, queue, jobId);
            batch.deleteRange(prefix, StoreKeys.end(prefix));
        }
    }

    private void logSkip(JobEventRecord record, JobEventDecoder.Skipped skip) {
        boolean first = warnedKinds.size() < MAX_WARNED_KINDS && warnedKinds.add(skip.kind());
        if (first) {
            log.warn(
                    "Skipping a record at partition {} offset {} of the job events topic: {} ({}). Records of this"
                            + " kind are skipped and counted in turnstile.projections.jobs.skipped; this is logged once.",
                    record.partition(),
                    record.offset(),
                    skip.kind(),
                    skip.detail());
        } else {
            log.debug(
                    "Skipping a record at partition {} offset {}: {} ({})",
                    record.partition(),
                    record.offset(),
                    skip.kind(),
                    skip.detail());
        }
    }

    private void notifyListeners(JobChange change) {
        for (var listener : listeners) {
            try {
                listener.accept(change);
            } catch (RuntimeException e) {
                listenerErrors.incrementAndGet();
                log.warn(
                        "A job read-model listener failed on a change of queue {}; the read model goes on and the"
                                + " listener stays subscribed (counted in turnstile.projections.jobs.listener.errors)",
                        change.queue(),
                        e);
            }
        }
    }

    /**
     * Where every answer to a request goes once it is stored, with the fingerprint of the request it answers (from its
     * record header; null when absent): the operator requests of this application wait there. One sink.
     */
    public void answers(BiConsumer<JobEvent, String> sink) {
        answerSink = Objects.requireNonNull(sink, "sink");
    }

    /** The next offset to read of each partition, as stored with the last applied batch. */
    public Map<Integer, Long> storedOffsets() {
        lock.readLock().lock();
        try {
            ensureOpen();
            var offsets = new TreeMap<Integer, Long>();
            try (var it = db.newIterator()) {
                for (it.seek(StoreKeys.OFFSET);
                        it.isValid() && StoreKeys.startsWith(it.key(), StoreKeys.OFFSET);
                        it.next()) {
                    offsets.put(
                            StoreKeys.partitionOf(it.key()),
                            ByteBuffer.wrap(it.value()).getLong());
                }
            }
            return offsets;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** This read model as what a {@link TopicFeed} feeds from {@code job-events}. */
    public TopicFeed.Target<JobEventRecord> feedTarget() {
        return TopicFeed.Target.of(FED_AS, this::storedOffsets, this::apply, this::markReady);
    }

    /** Marks the read model caught up with the topic (see {@link #ready()}). */
    void markReady() {
        if (!ready) {
            ready = true;
            log.info("Job read model caught up: {} queues", queueSnapshot.size());
        }
    }

    // ---------------------------------------------------------------- counters

    /** Events applied since this read model was opened. */
    public long appliedCount() {
        return applied.get();
    }

    /** Events ignored because their queue had applied them before (redeliveries, replays). */
    public long repeatedCount() {
        return repeated.get();
    }

    /** Records skipped because they are not job events this version reads (other types, undecodable, tombstones). */
    public long skippedCount() {
        return skipped.get();
    }

    /** Jobs first seen after their enqueue (cleaned earlier, or their enqueue no longer on the topic). */
    public long restartedCount() {
        return restarted.get();
    }

    /** Jobs dropped by cleans. */
    public long cleanedCount() {
        return cleaned.get();
    }

    /** Exceptions thrown by subscribed listeners. */
    public long listenerErrorCount() {
        return listenerErrors.get();
    }

    // ---------------------------------------------------------------- queries

    @Override
    public List<QueueOverview> queues() {
        return queueSnapshot;
    }

    @Override
    public Optional<QueueOverview> queue(String queue) {
        return queueSnapshot.stream().filter(each -> each.queue().equals(queue)).findFirst();
    }

    @Override
    public JobPage jobs(String queue, JobFilter filter, String cursor, int limit) {
        var wanted = filter == null ? JobFilter.none() : filter;
        int size = limit <= 0 ? DEFAULT_PAGE_SIZE : Math.min(limit, MAX_PAGE_SIZE);
        Long after = cursor == null || cursor.isBlank() ? null : decodeCursor(cursor);
        var index = wanted.state() != null
                ? StoreKeys.byStatePrefix(queue, wanted.state())
                : wanted.name() != null
                        ? StoreKeys.byNamePrefix(queue, wanted.name())
                        : StoreKeys.ofQueue(StoreKeys.ALL_JOBS, queue);
        lock.readLock().lock();
        try {
            ensureOpen();
            var items = new ArrayList<JobSummary>();
            long lastSequence = 0;
            String nextCursor = null;
            try (var it = db.newIterator()) {
                var start = after == null ? index : StoreKeys.concat(index, StoreKeys.newestFirst(after));
                it.seek(start);
                if (after != null && it.isValid() && Arrays.equals(it.key(), start)) {
                    it.next();
                }
                for (; it.isValid() && StoreKeys.startsWith(it.key(), index); it.next()) {
                    var job = readJob(queue, StoreKeys.string(it.value()));
                    if (job == null || !wanted.matches(job.summary())) {
                        continue;
                    }
                    if (items.size() == size) {
                        nextCursor = encodeCursor(lastSequence);
                        break;
                    }
                    items.add(job.summary());
                    lastSequence = StoreKeys.sequenceAtEnd(it.key());
                }
            }
            return new JobPage(items, nextCursor);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public Optional<JobDetail> job(String queue, String jobId) {
        lock.readLock().lock();
        try {
            ensureOpen();
            var job = readJob(queue, jobId);
            if (job == null) {
                return Optional.empty();
            }
            return Optional.of(new JobDetail(
                    job.summary(),
                    job.payload(),
                    job.backoff(),
                    job.leaseSeconds(),
                    job.fencingToken(),
                    job.progressMessage(),
                    job.lastHeartbeatAt(),
                    job.result(),
                    job.lastError(),
                    job.lastFailure(),
                    job.cancelledBy(),
                    bounded(StoreKeys.TIMELINE, job, job.timelineCount(), TimelineEntry.class),
                    bounded(StoreKeys.LOGS, job, job.logCount(), LogLine.class),
                    bounded(StoreKeys.ARTIFACTS, job, job.artifactCount(), Artifact.class)));
        } finally {
            lock.readLock().unlock();
        }
    }

    private <T> Bounded<T> bounded(byte[] kind, StoredJob job, long count, Class<T> type) {
        var prefix = StoreKeys.ofJob(kind, job.queue(), job.jobId());
        var items = new ArrayList<T>();
        try (var it = db.newIterator()) {
            for (it.seek(prefix); it.isValid() && StoreKeys.startsWith(it.key(), prefix); it.next()) {
                items.add(decode(it.value(), type));
            }
        }
        return new Bounded<>(items, Math.max(0, count - items.size()));
    }

    @Override
    public EventReplay eventsAfter(String queue, long afterSequence, String jobId) {
        lock.readLock().lock();
        try {
            ensureOpen();
            var current = queues.getOrDefault(queue, QueueOverview.empty(queue));
            var events = new ArrayList<JobChange.EventApplied>();
            var prefix = StoreKeys.ofQueue(StoreKeys.EVENTS, queue);
            try (var it = db.newIterator()) {
                for (it.seek(StoreKeys.event(queue, Math.max(0, afterSequence) + 1));
                        it.isValid() && StoreKeys.startsWith(it.key(), prefix);
                        it.next()) {
                    var stored = decode(it.value(), StreamedEvent.class);
                    if (jobId == null || jobId.equals(stored.jobId())) {
                        long sequence = StoreKeys.numberAtEnd(it.key());
                        var type = JobEventType.fromWireName(stored.type()).orElseThrow();
                        events.add(new JobChange.EventApplied(
                                queue,
                                sequence,
                                JobEventHeader.eventId(queue, sequence),
                                type,
                                stored.jobId(),
                                stored.json()));
                    }
                }
            }
            return new EventReplay(events, afterSequence >= current.lastSequence() - limits.replayEvents());
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public CleanResult clean(String queue, Set<JobState> states, Duration olderThan) {
        if (states == null || states.isEmpty()) {
            throw new IllegalArgumentException(
                    "states must name at least one finished state: succeeded, dead or" + " cancelled");
        }
        var unfinished = states.stream()
                .filter(state -> !state.finished())
                .map(JobState::wireName)
                .sorted()
                .toList();
        if (!unfinished.isEmpty()) {
            throw new IllegalArgumentException("Only finished jobs may be cleaned (succeeded, dead, cancelled); "
                    + String.join(", ", unfinished) + " jobs are not finished: cancel them first");
        }
        if (olderThan == null || olderThan.isNegative()) {
            throw new IllegalArgumentException("olderThan must be zero or more; got " + olderThan);
        }
        var wanted = EnumSet.copyOf(states);
        var before = clock.instant().minus(olderThan);
        long removed = 0;
        byte[] resumeAt = StoreKeys.ofQueue(StoreKeys.FINISHED, queue);
        var end = StoreKeys.finishedFrom(queue, before.toEpochMilli());
        while (resumeAt != null) {
            var chunk = cleanChunk(queue, wanted, resumeAt, end);
            removed += chunk.removed();
            resumeAt = chunk.resumeAt();
        }
        cleaned.addAndGet(removed);
        if (removed > 0) {
            log.info(
                    "Cleaned {} {} jobs of queue {} that finished before {} from the job read model (the log keeps"
                            + " them)",
                    removed,
                    wanted,
                    queue,
                    before);
            notifyListeners(new JobChange.Cleaned(queue, removed));
        }
        return new CleanResult(queue, wanted, before, removed);
    }

    private record Chunk(long removed, byte[] resumeAt) {}

    /** Drops up to {@link #CLEAN_CHUNK} jobs in one atomic write; says where to go on, or null when done. */
    private Chunk cleanChunk(String queue, Set<JobState> states, byte[] from, byte[] end) {
        lock.writeLock().lock();
        try {
            ensureOpen();
            var doomed = new ArrayList<StoredJob>();
            byte[] next = null;
            try (var it = db.newIterator()) {
                for (it.seek(from); it.isValid() && Arrays.compareUnsigned(it.key(), end) < 0; it.next()) {
                    if (doomed.size() == CLEAN_CHUNK) {
                        next = it.key();
                        break;
                    }
                    var job = readJob(queue, StoreKeys.string(it.value()));
                    if (job != null && states.contains(job.state())) {
                        doomed.add(job);
                    }
                }
            }
            if (doomed.isEmpty()) {
                return new Chunk(0, next);
            }
            var current = queues.getOrDefault(queue, QueueOverview.empty(queue));
            var counts = current.counts();
            try (var batch = new WriteBatch()) {
                for (var job : doomed) {
                    for (var key : indexKeys(job)) {
                        batch.delete(key);
                    }
                    deleteRows(batch, queue, job.jobId());
                    counts = counts.plus(job.state(), -1);
                }
                var updated = new QueueOverview(
                        queue,
                        counts,
                        current.paused(),
                        current.concurrency(),
                        current.lastSequence(),
                        current.lastEventAt());
                batch.put(StoreKeys.queue(queue), Json.MAPPER.writeValueAsBytes(updated));
                db.write(writeOptions, batch);
                queues.put(queue, updated);
                publishQueues();
            } catch (RocksDBException e) {
                throw new JobStoreException(
                        "Cleaning jobs of queue " + queue + " from the read model in " + directory + " failed ("
                                + e.getMessage() + "); nothing of this part was dropped.",
                        e);
            }
            return new Chunk(doomed.size(), next);
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public Subscription subscribe(Consumer<JobChange> listener) {
        Objects.requireNonNull(listener, "listener");
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

    private StoredJob readJob(String queue, String jobId) {
        try {
            var bytes = db.get(StoreKeys.job(queue, jobId));
            return bytes == null ? null : decode(bytes, StoredJob.class);
        } catch (RocksDBException e) {
            throw new JobStoreException(
                    "Reading job " + queue + ":" + jobId + " from " + directory + " failed: " + e.getMessage(), e);
        }
    }

    private <T> T decode(byte[] json, Class<T> type) {
        try {
            return Json.MAPPER.readValue(json, type);
        } catch (JacksonException e) {
            throw new JobStoreException(
                    "An entry in the job read model in " + directory + " cannot be read (" + e.getOriginalMessage()
                            + "); delete the directory to rebuild it from the job-events topic.",
                    e);
        }
    }

    private void loadQueues() {
        try (var it = db.newIterator()) {
            for (it.seek(StoreKeys.QUEUE); it.isValid() && StoreKeys.startsWith(it.key(), StoreKeys.QUEUE); it.next()) {
                var queue = decode(it.value(), QueueOverview.class);
                queues.put(queue.queue(), queue);
            }
        }
        publishQueues();
    }

    private void publishQueues() {
        queueSnapshot = queues.values().stream()
                .sorted(Comparator.comparing(QueueOverview::queue))
                .toList();
    }

    private String storedString(byte[] key) {
        try {
            var bytes = db.get(key);
            return bytes == null ? null : StoreKeys.string(bytes);
        } catch (RocksDBException e) {
            throw new JobStoreException("Reading " + directory + " failed: " + e.getMessage(), e);
        }
    }

    private void put(byte[] key, byte[] value) {
        try {
            db.put(writeOptions, key, value);
        } catch (RocksDBException e) {
            throw new JobStoreException("Writing to " + directory + " failed: " + e.getMessage(), e);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("The job read model in " + directory + " is closed");
        }
    }

    private static String encodeCursor(long enqueueSequence) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(ByteBuffer.allocate(9)
                        .put(CURSOR_VERSION)
                        .putLong(enqueueSequence)
                        .array());
    }

    private static long decodeCursor(String cursor) {
        try {
            var bytes = Base64.getUrlDecoder().decode(cursor.strip());
            if (bytes.length == 9 && bytes[0] == CURSOR_VERSION) {
                long sequence = ByteBuffer.wrap(bytes, 1, 8).getLong();
                if (sequence > 0) {
                    return sequence;
                }
            }
        } catch (IllegalArgumentException e) {
            // Answered below.
        }
        var shown = cursor.length() > 40 ? cursor.substring(0, 40) + "…" : cursor;
        throw new IllegalArgumentException("cursor \"" + shown + "\" is not one that a page of jobs returned; pass the"
                + " nextCursor of the previous page unchanged, or no cursor for the first page");
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
            throw new JobStoreException(
                    "Cannot delete " + directory + " to rebuild the job read model (" + e.getMessage()
                            + "); delete it by hand.",
                    e);
        }
    }
}
