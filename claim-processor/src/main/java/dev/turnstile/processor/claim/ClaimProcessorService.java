package dev.turnstile.processor.claim;

import dev.turnstile.contracts.topic.ClaimTopics;
import dev.turnstile.processor.decision.ClaimDecider;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the production {@link ClaimTopology} (and, in the application, the job topology beside it) in a
 * {@link KafkaStreams} instance. Framework-free, so tests, the
 * standalone processor and the all-in-one launcher start it the same way.
 */
public final class ClaimProcessorService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ClaimProcessorService.class);

    private final KafkaStreams streams;
    private final CountDownLatch running = new CountDownLatch(1);

    /**
     * @param streamsConfig complete Kafka Streams configuration (see {@code ProcessorProperties} for the defaults)
     * @param topics the claim topics
     */
    public ClaimProcessorService(Properties streamsConfig, ClaimTopics topics) {
        this(streamsConfig, topics, ClaimTopology.DEFAULT_EXPIRY_CHECK_INTERVAL);
    }

    /**
     * @param streamsConfig complete Kafka Streams configuration (see {@code ProcessorProperties} for the defaults)
     * @param topics the claim topics
     * @param expiryCheckInterval how often to look for leases past expiry; zero turns the checks off
     */
    public ClaimProcessorService(Properties streamsConfig, ClaimTopics topics, Duration expiryCheckInterval) {
        this(streamsConfig, topics, expiryCheckInterval, ClaimDecider.DEFAULT_REQUEST_MEMORY);
    }

    /**
     * @param streamsConfig complete Kafka Streams configuration (see {@code ProcessorProperties} for the defaults)
     * @param topics the claim topics
     * @param expiryCheckInterval how often to look for leases past expiry; zero turns the checks off
     * @param requestMemory how long, in command time, a request id keeps its answer
     */
    public ClaimProcessorService(
            Properties streamsConfig, ClaimTopics topics, Duration expiryCheckInterval, Duration requestMemory) {
        this(streamsConfig, ClaimTopology.build(topics, expiryCheckInterval, requestMemory));
    }

    /**
     * @param streamsConfig complete Kafka Streams configuration (see {@code ProcessorProperties} for the defaults)
     * @param topology the processor's topology: claims alone, or claims and jobs ({@code ProcessorTopology})
     */
    public ClaimProcessorService(Properties streamsConfig, org.apache.kafka.streams.Topology topology) {
        this.streams = new KafkaStreams(topology, streamsConfig);
        streams.setStateListener((newState, oldState) -> {
            log.info("Claim processor {} -> {}", oldState, newState);
            if (newState == KafkaStreams.State.RUNNING) {
                running.countDown();
            }
        });
        streams.setUncaughtExceptionHandler(e -> {
            // Decisions are deterministic, so retrying the same record would fail the same way: stop and say so.
            log.error(
                    "Processor stopped on an unexpected error. Health now reports unhealthy; the offsets of"
                            + " undecided commands are kept, so a restart after the fix resumes where it stopped.",
                    e);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    }

    /** Starts processing; returns at once. */
    public void start() {
        streams.start();
    }

    /** Waits until the processor has its partitions and state and is deciding. */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        return running.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The Streams state, e.g. RUNNING or REBALANCING. */
    public KafkaStreams.State state() {
        return streams.state();
    }

    /** Whether the processor is up (running or rebalancing), as opposed to stopped or failed. */
    public boolean isAlive() {
        var state = streams.state();
        return state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING;
    }

    /** The underlying Streams instance, for metrics binding. */
    public KafkaStreams streams() {
        return streams;
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

    /**
     * Stops processing, committing what was decided, and leaves the group so that another instance takes over
     * the partitions at once instead of after the session timeout.
     */
    public void close(Duration timeout) {
        var options = CloseOptions.timeout(timeout)
                .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP);
        if (!streams.close(options)) {
            log.warn(
                    "Claim processor did not stop within {}; uncommitted work will be redone by the next start",
                    timeout);
        }
    }
}
