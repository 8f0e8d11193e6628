package dev.turnstile.projections.activity;

import dev.turnstile.projections.feed.TopicFeed;
import dev.turnstile.projections.query.ActivityQueries;
import dev.turnstile.projections.query.Attempt;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The activity read model: claim attempts from the decisions topic, folded by {@link ActivityFold} into an
 * {@link ActivityStore} and answered through {@link #queries()}. One thread applies records ({@link #apply},
 * normally a {@link TopicFeed}); any thread may query.
 *
 * <p>Each {@link #apply} call writes one atomic batch holding what the new decisions change <em>and</em> the next
 * offset of each partition it read. A decision whose id was applied before (a redelivery, a replayed topic) changes
 * nothing.
 */
public final class ActivityProjection implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ActivityProjection.class);
    private static final TopicFeed.Model FED_AS = new TopicFeed.Model(
            "activity projection", "activity-projection", "The dashboard shows older figures meanwhile.");

    /** Different event kinds warned about once each; beyond, they are logged at debug only. */
    private static final int MAX_WARNED_KINDS = 100;

    private final ActivityStore store;
    private final ActivityListeners listeners = new ActivityListeners();
    private final ActivityQueryService queries;
    private final DecisionDecoder decoder = new DecisionDecoder();
    private final Set<String> warnedKinds = ConcurrentHashMap.newKeySet();
    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong repeated = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private volatile boolean ready;

    private ActivityProjection(ActivityStore store, Clock clock) {
        this.store = store;
        this.queries = new ActivityQueryService(store, clock, listeners, () -> ready);
    }

    /**
     * Opens (or creates) the read model of {@code topic} in {@code directory}.
     *
     * @param clock the time the 24 h figures and {@code asOf} are read at
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
        return new ActivityProjection(ActivityStore.open(directory, topic, rebuild, memoryBytes), clock);
    }

    /** The questions this model answers. */
    public ActivityQueries queries() {
        return queries;
    }

    /**
     * Applies records of the decisions topic, in order, as one atomic write that also records the next offset of
     * each partition seen. Decisions already applied (by decision id) and records that are not claim decisions are
     * skipped and counted; listeners hear of each new listed attempt after the write.
     *
     * @return the attempts that were new and are listed
     * @throws ProjectionStoreException when the store fails; nothing of the batch was written
     */
    public List<Attempt> apply(List<DecisionRecord> records) {
        var fresh = new ArrayList<Attempt>();
        long repeats = 0;
        long skips = 0;
        try (var batch = store.begin()) {
            for (var record : records) {
                batch.read(record.partition(), record.offset());
                switch (decoder.decode(record.value())) {
                    case DecisionDecoder.Skipped skip -> {
                        skips++;
                        logSkip(record, skip);
                    }
                    case DecisionDecoder.Decision decision -> {
                        var change = ActivityFold.evolve(batch, decision.event());
                        if (change.isEmpty()) {
                            repeats++;
                            continue;
                        }
                        batch.stage(change.get());
                        if (change.get().listed()) {
                            fresh.add(change.get().attempt());
                        }
                    }
                }
            }
            batch.commit();
        }
        applied.addAndGet(fresh.size());
        repeated.addAndGet(repeats);
        skipped.addAndGet(skips);
        listeners.notify(fresh);
        return fresh;
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
            log.debug(
                    "Skipping a record at partition {} offset {}: {} ({})",
                    record.partition(),
                    record.offset(),
                    skip.kind(),
                    skip.detail());
        }
    }

    /** The next offset to read of each partition, as stored with the last applied batch. */
    public Map<Integer, Long> storedOffsets() {
        return store.read(ActivityStore.Reader::offsets);
    }

    /** This projection as what a {@link TopicFeed} feeds from the decisions topic. */
    public TopicFeed.Target<DecisionRecord> feedTarget() {
        return TopicFeed.Target.of(FED_AS, this::storedOffsets, this::apply, this::markReady);
    }

    /** Marks the projection caught up with the topic (see {@link ActivityQueries#ready()}). */
    void markReady() {
        if (!ready) {
            ready = true;
            log.info(
                    "Activity projection caught up: {} attempts",
                    store.counters().totals().total());
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
        return listeners.errorCount();
    }

    /** Closes the store. Queries afterwards throw {@link IllegalStateException}. */
    @Override
    public void close() {
        store.close();
    }
}
