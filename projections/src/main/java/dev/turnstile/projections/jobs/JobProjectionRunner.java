package dev.turnstile.projections.jobs;

import dev.turnstile.contracts.topic.JobTopics;
import java.nio.charset.StandardCharsets;
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
 * Feeds a {@link JobProjection} from {@code job-events} on a thread of its own, as the activity projection is fed
 * from the decisions: all partitions, assigned without a consumer group (every reader builds its own model),
 * {@code read_committed} (only events the processor committed), resuming from the offsets stored with the model or
 * from offset 0. Offsets are never committed to Kafka. Errors are logged and retried after a pause from the stored
 * offsets; they never stop the thread.
 */
public final class JobProjectionRunner implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(JobProjectionRunner.class);
    private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(10);

    private final Map<String, Object> consumerConfig;
    private final String topic;
    private final JobProjection projection;
    private final Duration pollTimeout;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong lag = new AtomicLong(-1);
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile Thread thread;
    private volatile boolean running;
    private Map<TopicPartition, Long> startEnds = Map.of();

    /**
     * @param consumerConfig Kafka consumer settings (at least {@code bootstrap.servers}); group, isolation, offset
     *     commit and deserializers are set here
     * @param topic the job events topic
     * @param projection the read model to feed
     * @param pollTimeout how long one poll waits for records (bounds how fast the thread notices a stop)
     */
    public JobProjectionRunner(
            Map<String, Object> consumerConfig, String topic, JobProjection projection, Duration pollTimeout) {
        var config = new HashMap<>(consumerConfig);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "turnstile-projections-jobs");
        // The Runs page shows progress live: do not let a fetch idle for the default 500 ms once a commit lands.
        config.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        // A missing topic is waited for, never made with a broker's defaults.
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
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
        thread = Thread.ofPlatform().name("job-projection").daemon().start(this::run);
    }

    /** Waits until the read model has caught up with the end offsets seen at start. */
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
                        projection.apply(toJobEventRecords(records));
                    }
                    observeProgress();
                } catch (WakeupException e) {
                    // close() woke us: the loop condition ends it.
                } catch (RuntimeException e) {
                    if (!running) {
                        break;
                    }
                    errors.incrementAndGet();
                    log.error(
                            "The job read model failed to read or apply job events; retrying in {} from the offsets"
                                    + " it stored. The Runs page and the job API show older states meanwhile. Check that Kafka"
                                    + " is reachable and the state directory is writable.",
                            RETRY_PAUSE,
                            e);
                    pause();
                    // Rewind to what the store holds: a failed batch was not written.
                    assigned = false;
                }
            }
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** Assigns every partition and seeks to the stored offsets; false (after a pause) while the topic is missing. */
    private boolean assign() {
        var infos = consumer.partitionsFor(topic, METADATA_TIMEOUT);
        if (infos == null || infos.isEmpty()) {
            log.warn("Topic {} does not exist yet; the job read model waits for it", topic);
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
            startEnds = consumer.endOffsets(partitions);
            log.info(
                    "Job read model reading {} partitions of {} ({} resumed from stored offsets, {} from offset 0)",
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

    private static List<JobEventRecord> toJobEventRecords(ConsumerRecords<byte[], byte[]> records) {
        var out = new ArrayList<JobEventRecord>(records.count());
        for (var record : records) {
            var answers = record.headers().lastHeader(JobTopics.ANSWERED_REQUEST_HEADER);
            out.add(new JobEventRecord(
                    record.partition(),
                    record.offset(),
                    record.value(),
                    answers == null ? null : new String(answers.value(), StandardCharsets.UTF_8)));
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

    /** Stops reading and waits for the thread; what was applied stays stored. Does not close the read model. */
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
