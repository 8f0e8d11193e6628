package dev.turnstile.projections.activity;

import dev.turnstile.contracts.claim.ClaimCompleted;
import dev.turnstile.contracts.claim.ClaimDenied;
import dev.turnstile.contracts.claim.ClaimEvent;
import dev.turnstile.contracts.claim.ClaimGranted;
import dev.turnstile.contracts.claim.ClaimMode;
import dev.turnstile.contracts.claim.ClaimOutcome;
import dev.turnstile.contracts.claim.DecisionHeader;
import dev.turnstile.contracts.claim.HolderRequest;
import dev.turnstile.contracts.claim.LeaseExpired;
import dev.turnstile.contracts.claim.LeaseReleased;
import dev.turnstile.contracts.claim.LeaseRenewed;
import dev.turnstile.contracts.claim.RefusalReason;
import dev.turnstile.contracts.claim.RequestRefused;
import dev.turnstile.contracts.claim.TaskKey;
import dev.turnstile.contracts.topic.ClaimTopics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Decisions as the processor writes them, for tests of the read model and of what reads it. Sequences count up per
 * task key; {@link #attempt} follows the claim rules (the first claim of a key is granted, later ones are denied
 * with the holder), the lease methods build the decision asked for. Records are serialized with the production
 * serde, land on partitions by a stable hash of the key and get consecutive offsets per partition.
 */
public final class Decisions {

    static final int PARTITIONS = 3;

    private final Map<String, ClaimGranted> holders = new HashMap<>();
    private final Map<String, Long> sequences = new HashMap<>();
    private final long[] nextOffsets = new long[PARTITIONS];

    /** The decision for an agent claiming {@code project:task:sha} ({@code once}) at {@code at}. */
    public ClaimEvent attempt(String project, String task, String sha, String agent, Instant at) {
        var key = project + ":" + task + ":" + sha;
        var header = header(key, project, task, sha, agent, at);
        var holder = holders.get(key);
        if (holder == null) {
            var granted = new ClaimGranted(header, ClaimMode.ONCE, 1, null, null, false);
            holders.put(key, granted);
            return granted;
        }
        return deny(holder, header);
    }

    /** A {@code once} grant of {@code key} with {@code token}. */
    public ClaimGranted once(TaskKey key, String agent, long token, Instant at) {
        return new ClaimGranted(header(key, agent, at), ClaimMode.ONCE, token, null, null, false);
    }

    /** A lease of {@code key} with {@code token}, running {@code ttl} from {@code at}. */
    public ClaimGranted lease(TaskKey key, String agent, long token, Instant at, Duration ttl) {
        return new ClaimGranted(
                header(key, agent, at), ClaimMode.LEASE, token, at.plus(ttl), (int) ttl.toSeconds(), false);
    }

    /** {@code agent} denied while {@code holder}'s claim runs. */
    public ClaimDenied deny(ClaimGranted holder, String agent, Instant at) {
        return deny(holder, header(holder, agent, at));
    }

    /** The holder of {@code lease} renewing it at {@code at} for the lease's time to live. */
    public LeaseRenewed renew(ClaimGranted lease, Instant at) {
        return new LeaseRenewed(
                header(lease, lease.agentId(), at),
                ClaimMode.LEASE,
                lease.fencingToken(),
                at.plusSeconds(lease.ttlSeconds()),
                lease.ttlSeconds());
    }

    public LeaseReleased release(ClaimGranted lease, Instant at) {
        return new LeaseReleased(header(lease, lease.agentId(), at), ClaimMode.LEASE, lease.fencingToken());
    }

    /** {@code lease} announced expired (at its granted expiry) by a command at {@code at}. */
    public LeaseExpired expire(ClaimGranted lease, Instant at) {
        return new LeaseExpired(
                header(lease, lease.agentId(), at),
                ClaimMode.LEASE,
                lease.fencingToken(),
                lease.expiresAt(),
                lease.attemptedAt());
    }

    public ClaimCompleted complete(ClaimGranted lease, ClaimOutcome outcome, Instant at) {
        return new ClaimCompleted(header(lease, lease.agentId(), at), lease.mode(), lease.fencingToken(), outcome);
    }

    /** {@code agent}'s renewal of {@code lease} with {@code token}, refused: it is not the holder. */
    public RequestRefused refuse(ClaimGranted lease, String agent, long token, Instant at) {
        return new RequestRefused(
                header(lease, agent, at),
                HolderRequest.RENEW,
                RefusalReason.NOT_HOLDER,
                lease.mode(),
                token,
                lease.fencingToken(),
                lease.agentId(),
                lease.expiresAt());
    }

    /** The same decision, repeated for a retried request id, as the processor redelivers it. */
    public static ClaimEvent redelivery(ClaimEvent event) {
        return event.asRedelivery();
    }

    /** Records of these events, at the next offsets of their partitions. */
    List<DecisionRecord> records(List<? extends ClaimEvent> decisions) {
        var out = new ArrayList<DecisionRecord>();
        for (var event : decisions) {
            out.add(record(event.taskKey(), serialize(event)));
        }
        return out;
    }

    /** A record of any value on the partition of {@code key}. */
    DecisionRecord record(String key, byte[] value) {
        int partition = Math.floorMod(key.hashCode(), PARTITIONS);
        return new DecisionRecord(partition, nextOffsets[partition]++, value);
    }

    static byte[] serialize(ClaimEvent event) {
        return ClaimTopics.DEFAULT.decisions().valueSerde().serializer().serialize("claim-decisions", event);
    }

    static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static ClaimDenied deny(ClaimGranted holder, DecisionHeader header) {
        return new ClaimDenied(
                header,
                holder.agentId(),
                holder.attemptedAt(),
                holder.mode(),
                holder.fencingToken(),
                holder.expiresAt(),
                null);
    }

    private DecisionHeader header(ClaimEvent about, String agent, Instant at) {
        return header(about.taskKey(), about.project(), about.task(), about.gitSha(), agent, at);
    }

    private DecisionHeader header(TaskKey key, String agent, Instant at) {
        return header(key.value(), key.project(), key.task(), key.gitSha(), agent, at);
    }

    private DecisionHeader header(String key, String project, String task, String sha, String agent, Instant at) {
        long sequence = sequences.merge(key, 1L, Long::sum);
        return new DecisionHeader(
                DecisionHeader.SCHEMA_VERSION,
                ClaimEvent.decisionId(key, sequence),
                sequence,
                "req-" + UUID.randomUUID(),
                key,
                project,
                task,
                sha,
                agent,
                at,
                false);
    }
}
