package dev.turnstile.gateway.health;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.common.GroupState;

/**
 * Whether claims can be decided now: the disk holding the data has room, this gateway is reading decisions, Kafka
 * answers, every partition of the requests topic has a leader (so a claim can be written), and the claim processor's
 * group has members and is not in the middle of a rebalance (so every partition is being decided). Probes are cached
 * briefly so that frequent health checks stay cheap. The one definition of "ready" behind {@code /api/health}, the
 * {@code readiness} health group ({@code /actuator/health/readiness}), the launcher's banner and {@code bin/turnstile
 * status}.
 */
public final class CoordinatorHealth {

    /**
     * One probe's outcome.
     *
     * @param healthy whether claims can be decided
     * @param error what is wrong, null when healthy
     * @param checkedAt when the probe ran
     */
    public record Status(boolean healthy, String error, Instant checkedAt) {}

    private final Admin admin;
    private final DiskSpace disk;
    private final String processorGroupId;
    private final String requestsTopic;
    private final BooleanSupplier listening;
    private final Duration cacheTtl;
    private final Duration timeout;
    private final Clock clock;
    private volatile Status last;

    public CoordinatorHealth(
            Admin admin,
            DiskSpace disk,
            String processorGroupId,
            String requestsTopic,
            BooleanSupplier listening,
            Duration cacheTtl,
            Duration timeout,
            Clock clock) {
        this.admin = admin;
        this.disk = disk;
        this.processorGroupId = processorGroupId;
        this.requestsTopic = requestsTopic;
        this.listening = listening;
        this.cacheTtl = cacheTtl;
        this.timeout = timeout;
        this.clock = clock;
    }

    /** The latest status, probing again when the cached one is older than the TTL. */
    public Status status() {
        var cached = last;
        var now = clock.instant();
        if (cached != null && cached.checkedAt().plus(cacheTtl).isAfter(now)) {
            return cached;
        }
        var fresh = probe(now);
        last = fresh;
        return fresh;
    }

    private Status probe(Instant now) {
        var space = disk.status();
        if (space.low()) {
            return new Status(false, space.problem() + "; claims are refused until space is freed there", now);
        }
        if (!listening.getAsBoolean()) {
            return new Status(false, "The gateway is not reading the decisions topic; see its log", now);
        }
        int millis = (int) timeout.toMillis();
        try {
            var nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(millis))
                    .nodes()
                    .get(millis, TimeUnit.MILLISECONDS);
            if (nodes.isEmpty()) {
                return new Status(false, "Kafka reports no brokers", now);
            }
        } catch (ExecutionException | TimeoutException e) {
            return new Status(false, "Kafka is not reachable: " + rootMessage(e), now);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Status(false, "Interrupted while probing Kafka", now);
        }
        try {
            var topic = admin.describeTopics(List.of(requestsTopic), new DescribeTopicsOptions().timeoutMs(millis))
                    .topicNameValues()
                    .get(requestsTopic)
                    .get(millis, TimeUnit.MILLISECONDS);
            var leaderless = topic.partitions().stream()
                    .filter(partition ->
                            partition.leader() == null || partition.leader().isEmpty())
                    .map(partition -> Integer.toString(partition.partition()))
                    .toList();
            if (!leaderless.isEmpty()) {
                return new Status(
                        false,
                        "Partitions " + leaderless + " of " + requestsTopic
                                + " have no leader: claims on them cannot be written until a broker takes them over",
                        now);
            }
        } catch (ExecutionException | TimeoutException e) {
            return new Status(
                    false,
                    "Topic " + requestsTopic + " cannot be described (claims cannot be written): " + rootMessage(e),
                    now);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Status(false, "Interrupted while probing Kafka", now);
        }
        try {
            var group = admin.describeConsumerGroups(
                            List.of(processorGroupId), new DescribeConsumerGroupsOptions().timeoutMs(millis))
                    .describedGroups()
                    .get(processorGroupId)
                    .get(millis, TimeUnit.MILLISECONDS);
            if (group.members().isEmpty()) {
                return new Status(
                        false,
                        "The claim processor is not running (Kafka group " + processorGroupId + " has no members)",
                        now);
            }
            if (group.groupState() != GroupState.STABLE) {
                return new Status(
                        false,
                        "The claim processor's group " + processorGroupId + " is " + group.groupState()
                                + " (partitions are being assigned); claims wait until it is stable",
                        now);
            }
        } catch (ExecutionException | TimeoutException e) {
            return new Status(
                    false,
                    "Cannot tell whether the claim processor runs (group " + processorGroupId + "): " + rootMessage(e),
                    now);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Status(false, "Interrupted while probing Kafka", now);
        }
        return new Status(true, null, now);
    }

    private static String rootMessage(Throwable e) {
        var cause = e;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }
}
