package dev.turnstile.projections.feed;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds a read model from one topic on a thread of its own: all partitions, assigned without a consumer group (every
 * reader builds its own model), {@code read_committed} (only what the processor committed), resuming from the offsets
 * stored with the model or from offset 0. The activity projection (decisions) and the job read model (job events) are
 * each fed by one.
 *
 * <p>Offsets are never committed to Kafka: the model's store is the only place that knows what was applied. Errors are
 * logged and retried after a pause from the stored offsets; they never stop the thread.
 *
 * @param <R> the model's view of one record
 */
public final class TopicFeed<R> implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TopicFeed.class);
    private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(10);

    /** What a feed needs of the model it feeds. */
    public interface Target<R> {

        /** Who is fed. */
        Model model();

        /** The next offset to read of each partition, as stored with the last applied batch. */
        Map<Integer, Long> storedOffsets();

        /** Applies records in order, storing the next offset of each partition with them, in one atomic write. */
        void apply(List<R> records);

        /** The model has caught up with the end offsets seen when the feed started. */
        void markReady();

        /** A target made of a model's methods. */
        static <R> Target<R> of(
                Model model, Supplier<Map<Integer, Long>> storedOffsets, Consumer<List<R>> apply, Runnable markReady) {
            return new Target<>() {
                @Override
                public Model model() {
                    return model;
                }

                @Override
                public Map<Integer, Long> storedOffsets() {
                    return storedOffsets.get();
                }

                @Override
                public void apply(List<R> records) {
                    apply.accept(records);
                }

                @Override
                public void markReady() {
                    markReady.run();
                }
            };
        }
    }

    /**
     * Who is fed, for thread names, client ids and log lines.
     *
     * @param name the model's name in log lines ("activity projection")
     * @param id its short id, for the thread ({@code <id>}) and the Kafka client id ({@code turnstile-<id>})
     * @param consequence what users see while reading fails ("The dashboard shows older figures meanwhile.")
     */
    public record Model(String name, String id, String consequence) {}

    private final Map<String, Object> consumerConfig;
    private final String topic;
    private final Model model;
    private final Target<R> target;
    private final Function<ConsumerRecord<byte[], byte[]>, R> view;
    private final Duration pollTimeout;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong lag = new AtomicLong(-1);
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile Thread thread;
    private volatile boolean running;

    /** The end offsets at assignment: reaching them makes the model ready. */
    private Map<TopicPartition, Long> startEnds = Map.of();

    /**
     * @param consumerConfig Kafka consumer settings (at least {@code bootstrap.servers}); group, isolation, offset
     *     commit, client id and deserializers are set here
     * @param topic the topic to read
     * @param target the model to feed
     * @param view the model's view of a record
     * @param pollTimeout how long one poll waits for records (bounds how fast the thread notices a stop)
     */
    public TopicFeed(
            Map<String, Object> consumerConfig,
            String topic,
            Target<R> target,
            Function<ConsumerRecord<byte[], byte[]>, R> view,
            Duration pollTimeout) {
        var config = new HashMap<>(consumerConfig);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(
                ConsumerConfig.CLIENT_ID_CONFIG, "turnstile-" + target.model().id());
        // Pages show progress live: do not let a fetch idle for the default 500 ms once a commit lands.
        config.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        // A missing topic is waited for, never made with a broker's defaults.
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        this.consumerConfig = Map.copyOf(config);
        this.topic = Objects.requireNonNull(topic, "topic");
        this.target = Objects.requireNonNull(target, "target");
        this.model = target.model();
        this.view = Objects.requireNonNull(view, "view");
        this.pollTimeout = pollTimeout;
    }

    /** Starts reading on a daemon thread; returns at once. The topic may not exist yet: the thread waits for it. */
    public synchronized void start() {
        if (running) {
            return;
        }
        consumer = new KafkaConsumer<>(consumerConfig);
        running = true;
        thread = Thread.ofPlatform().name(model.id()).daemon().start(this::run);
    }

    /** Waits until the model has caught up with the end offsets seen at start. */
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
                        var batch = new ArrayList<R>(records.count());
                        records.forEach(record -> batch.add(view.apply(record)));
                        target.apply(batch);
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
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }

    private void failed(RuntimeException e) {
        errors.incrementAndGet();
        log.error(
                "The {} failed to read or apply {}; retrying in {} from the offsets it stored. {} Check that Kafka is"
                        + " reachable and the state directory is writable.",
                model.name(),
                topic,
                RETRY_PAUSE,
                model.consequence(),
                e);
        pause();
    }

    /** Assigns every partition and seeks to the stored offsets; false (after a pause) while the topic is missing. */
    private boolean assign() {
        var infos = consumer.partitionsFor(topic, METADATA_TIMEOUT);
        if (infos == null || infos.isEmpty()) {
            log.warn("Topic {} does not exist yet; the {} waits for it", topic, model.name());
            pause();
            return false;
        }
        var partitions = infos.stream()
                .map(info -> new TopicPartition(topic, info.partition()))
                .toList();
        consumer.assign(partitions);
        var stored = target.storedOffsets();
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
                    "The {} reads {} partitions of {} ({} resumed from stored offsets, {} from offset 0)",
                    model.name(),
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
            target.markReady();
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

    private void pause() {
        try {
            Thread.sleep(RETRY_PAUSE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /** Stops reading and waits for the thread; what was applied stays stored. Does not close the model. */
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
