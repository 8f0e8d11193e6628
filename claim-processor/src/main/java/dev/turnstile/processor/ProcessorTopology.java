package dev.turnstile.processor;

import dev.turnstile.contracts.topic.ClaimTopics;
import dev.turnstile.contracts.topic.JobTopics;
import dev.turnstile.processor.claim.ClaimTopology;
import dev.turnstile.processor.jobstream.JobTopology;
import java.time.Duration;
import org.apache.kafka.streams.Topology;

/**
 * The processor application's topology: the claim sub-topology and, beside it, the job sub-topology. One Kafka
 * Streams application runs both: one consumer group, one state directory, one health check and one set of
 * exactly-once producers to operate, and the two share nothing but the application (no store, no topic), so neither
 * can slow the other's decisions down beyond sharing the stream thread. The claim sub-topology comes first, so its
 * tasks keep the ids (and state directories) they had before work queues existed.
 */
public final class ProcessorTopology {

    private ProcessorTopology() {}

    /**
     * @param claims the claim topics
     * @param expiryCheckInterval how often to look for claim leases past expiry; zero turns the checks off
     * @param requestMemory how long, in command time, a request id keeps its answer (claims and jobs alike)
     * @param jobs the job topics; null runs claims alone
     * @param jobSettings how the job sub-topology runs (its request memory is {@code requestMemory})
     */
    public static Topology build(
            ClaimTopics claims,
            Duration expiryCheckInterval,
            Duration requestMemory,
            JobTopics jobs,
            JobTopology.Settings jobSettings) {
        var topology = new Topology();
        ClaimTopology.addTo(topology, claims, expiryCheckInterval, requestMemory);
        if (jobs != null) {
            JobTopology.addTo(
                    topology,
                    jobs,
                    new JobTopology.Settings(
                            jobSettings.timerCheckInterval(), requestMemory, jobSettings.maxParkedClaims()));
        }
        return topology;
    }
}
