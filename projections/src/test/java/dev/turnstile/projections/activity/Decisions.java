package dev.turnstile.projections.activity;

import dev.turnstile.contracts.claim.ClaimDenied;
import dev.turnstile.contracts.claim.ClaimEvent;
import dev.turnstile.contracts.claim.ClaimGranted;
import dev.turnstile.contracts.claim.ClaimMode;
import dev.turnstile.contracts.claim.DecisionHeader;
import dev.turnstile.contracts.topic.ClaimTopics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A decision stream as the processor writes it: per task key, the first attempt is granted and later ones are denied
 * with the holder, sequences count up, and records are serialized with the production serde. Records land on
 * partitions by a stable hash of the key and get consecutive offsets per partition.
 */
final class Decisions {

    static final int PARTITIONS = 3;

    private final Map<String, ClaimGranted> holders = new HashMap<>();
    private final Map<String, Long> sequences = new HashMap<>();
    private final long[] nextOffsets = new long[PARTITIONS];
    private final List<ClaimEvent> events = new ArrayList<>();

    /** The decision for an agent asking for {@code project:task:sha} at {@code at}. */
    ClaimEvent attempt(String project, String task, String sha, String agent, Instant at) {
        var key = project + ":" + task + ":" + sha;
        long sequence = sequences.merge(key, 1L, Long::sum);
        var decisionId = ClaimEvent.decisionId(key, sequence);
        var requestId = "req-" + UUID.randomUUID();
        var holder = holders.get(key);
        ClaimEvent event;
        if (holder == null) {
            var granted = new ClaimGranted(
                    new DecisionHeader(DecisionHeader.SCHEMA_VERSION, decisionId, sequence, requestId, key, project, task, sha, agent, at, false),
                    ClaimMode.ONCE, 1, null, null, false);
            holders.put(key, granted);
            event = granted;
        } else {
            event = new ClaimDenied(new DecisionHeader(DecisionHeader.SCHEMA_VERSION, decisionId, sequence, requestId, key, project, task, sha,
                    agent, at, false), holder.agentId(), holder.attemptedAt(), ClaimMode.ONCE, holder.fencingToken(), null, null);
        }
        events.add(event);
        return event;
    }

    /** The same decision, repeated for a retried request id, as the processor redelivers it. */
    static ClaimEvent redelivery(ClaimEvent event) {
        return event.asRedelivery();
    }

    /** Every decision made so far, in order. */
    List<ClaimEvent> events() {
        return List.copyOf(events);
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
}
