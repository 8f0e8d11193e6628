package dev.turnstile.projections.activity;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds an {@link ActivityProjection} from the decisions topic on a thread of its own: all partitions, assigned
 * without a consumer group (every reader builds its own model), {@code read_committed} (only decisions the
 * processor committed), resuming from the offsets stored with the model or from offset 0.
 *
 * <p>Offsets are never committed to Kafka: the store is the only place that knows what was applied. Errors are
 * logged and retried after a pause from the stored offsets; they never stop the thread.
 */
public final class ProjectionRunner implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ProjectionRunner.class);
    private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(10);

    private final Map<String, Object> consumerConfig;
    private final String topic;
    private final ActivityProjection projection;
    private final Duration pollTimeout;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong lag = new AtomicLong(-1);
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile Thread thread;
    private volatile boolean running;

    /** The end offsets at assignment: reaching them makes the projection ready. */
    private Map<TopicPartition, Long> startEnds = Map.of();

    /**
     * @param consumerConfig Kafka consumer settings (at least {@code bootstrap.servers}); group, isolation, offset
     *     commit and deserializers are set here
     * @param topic the decisions topic
     * @param projection the model to feed
     * @param pollTimeout how long one poll waits for records (bounds how fast the thread notices a stop)
     */
    public ProjectionRunner(
            Map<String, Object> consumerConfig, String topic, ActivityProjection projection, Duration pollTimeout) {
        var config = new HashMap<>(consumerConfig);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "turnstile-projections");
        // Dashboards show decisions live: do not let a fetch idle for the default 500 ms once a commit lands.
        config.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        this.consumerConfig = Map.copyOf(config);
        this.topic = topic;
        this.projection = projection;
        this.pollTimeout = pollTimeout;
    }

    /** Starts reading on a daemon thread; returns at once. The topic may not exist yet: the thread waits for it. */
    public synchronized void start() {
        if (running) {
            return;
        }
        consumer = new KafkaConsumer<>(consumerConfig);
        running = true;
        thread = Thread.ofPlatform().name("activity-projection").daemon().start(this::run);
    }

    /** Waits until the projection has caught up with the end offsets seen at start. */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Records not yet applied, summed over partitions as of the last poll; -1 before the first. */
    public long lag() {
        return lag.get();
    }

    /** Errors met while reading or applying (each retried). */
    public long errorCount() {
        return errors.get();
    }

    private void run() {
        boolean assigned = false;
        try {
            while (running) {
                try {
                    if (!assigned) {
                        assigned = assign();
                        continue;
                    }
                    var records = consumer.poll(pollTimeout);
                    if (!records.isEmpty()) {
                        projection.apply(toDecisionRecords(records));
                    }
                    observeProgress();
                } catch (WakeupException e) {
                    // close() woke us: the loop condition ends it.
                } catch (RuntimeException e) {
                    if (!running) {
                        break;
                    }
                    failed(e);
                    // Rewind to what the store holds: a failed batch was not written.
                    assigned = false;
                }
            }
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void failed(RuntimeException e) {
        errors.incrementAndGet();
        log.error(
                "The activity projection failed to read or apply decisions; retrying in {} from the offsets it"
                        + " stored. The dashboard shows older figures meanwhile. Check that Kafka is reachable and the"
                        + " state directory is writable.",
                RETRY_PAUSE,
                e);
        pause();
    }

    /** Assigns every partition and seeks to the stored offsets; false (after a pause) while the topic is missing. */
    private boolean assign() {
        var infos = consumer.partitionsFor(topic, METADATA_TIMEOUT);
        if (infos == null || infos.isEmpty()) {
            log.warn("Topic {} does not exist yet; the activity projection waits for it", topic);
            pause();
            return false;
        }
        var partitions = infos.stream()
                .map(info -> new TopicPartition(topic, info.partition()))
                .toList();
        consumer.assign(partitions);
        var stored = projection.storedOffsets();
        var fromStart = new ArrayList<TopicPartition>();
        for (var partition : partitions) {
            var offset = stored.get(partition.partition());
            if (offset == null) {
                fromStart.add(partition);
            } else {
                consumer.seek(partition, offset);
            }
        }
        if (!fromStart.isEmpty()) {
            // Never with an empty list: that would rewind every assigned partition.
            consumer.seekToBeginning(fromStart);
        }
        if (caughtUp.getCount() > 0) {
            // read_committed: the end offsets are the last stable offsets, what a read_committed reader can reach.
            startEnds = consumer.endOffsets(partitions);
            log.info(
                    "Activity projection reading {} partitions of {} ({} resumed from stored offsets, {} from offset"
                            + " 0)",
                    partitions.size(),
                    topic,
                    partitions.size() - fromStart.size(),
                    fromStart.size());
        }
        observeProgress();
        return true;
    }

    private void observeProgress() {
        long total = 0;
        for (var partition : consumer.assignment()) {
            var partitionLag = consumer.currentLag(partition);
            if (partitionLag.isPresent()) {
                total += partitionLag.getAsLong();
            }
        }
        lag.set(total);
        if (caughtUp.getCount() > 0 && reachedStartEnds()) {
            projection.markReady();
            caughtUp.countDown();
        }
    }

    private boolean reachedStartEnds() {
        for (var end : startEnds.entrySet()) {
            if (consumer.position(end.getKey()) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static List<DecisionRecord> toDecisionRecords(ConsumerRecords<byte[], byte[]> records) {
        var out = new ArrayList<DecisionRecord>(records.count());
        for (var record : records) {
            out.add(new DecisionRecord(record.partition(), record.offset(), record.value()));
        }
        return out;
    }

    private void pause() {
        try {
            Thread.sleep(RETRY_PAUSE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /** Stops reading and waits for the thread; what was applied stays stored. Does not close the projection. */
    @Override
    public synchronized void close() {
        if (!running) {
            return;
        }
        running = false;
        consumer.wakeup();
        var worker = thread;
        if (worker != null) {
            try {
                worker.join(Duration.ofSeconds(15));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
