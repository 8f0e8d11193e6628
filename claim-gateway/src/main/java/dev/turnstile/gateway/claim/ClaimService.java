package dev.turnstile.gateway.claim;

import dev.turnstile.contracts.claim.ClaimCommand;
import dev.turnstile.contracts.claim.ClaimEvent;
import dev.turnstile.contracts.claim.ClaimRequested;
import dev.turnstile.contracts.claim.CompletionReported;
import dev.turnstile.contracts.claim.LeaseRenewRequested;
import dev.turnstile.contracts.claim.ReleaseRequested;
import dev.turnstile.contracts.claim.TaskKey;
import dev.turnstile.contracts.topic.Topic;
import dev.turnstile.gateway.health.DiskSpace;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Appends a claim command to the requests topic and returns the future of its decision. Writes nothing while the
 * disk holding the data is low on space.
 */
final class ClaimService {

    private final KafkaTemplate<String, ClaimCommand> template;
    private final Topic<String, ClaimCommand> requests;
    private final PendingDecisions pending;
    private final DiskSpace disk;
    private final Clock clock;

    ClaimService(
            KafkaTemplate<String, ClaimCommand> template,
            Topic<String, ClaimCommand> requests,
            PendingDecisions pending,
            DiskSpace disk,
            Clock clock) {
        this.template = template;
        this.requests = requests;
        this.pending = pending;
        this.disk = disk;
        this.clock = clock;
    }

    /** Raised when too many claims already wait for decisions. */
    static final class OverloadedException extends RuntimeException {
        OverloadedException(int pendingNow) {
            super("The gateway has " + pendingNow + " requests waiting for decisions, its limit; retry shortly");
        }
    }

    /** Raised when the disk holding the data is below its free-space threshold: nothing was written. */
    static final class DiskLowException extends RuntimeException {
        DiskLowException(String problem) {
            super(problem + "; the claim was not written, so that what was accepted before can still be decided."
                    + " Free space there, then retry with the same requestId.");
        }
    }

    /** Raised when the command could not be written to Kafka: nothing was decided. */
    static final class CommandNotWrittenException extends RuntimeException {
        CommandNotWrittenException(String topic, Throwable cause) {
            super("Could not write the claim to Kafka topic " + topic + ": " + describe(cause), cause);
        }

        /** The failure and, when it wraps another, the root cause: "Failed to construct kafka producer" alone says little. */
        private static String describe(Throwable cause) {
            var root = cause;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            return root == cause ? String.valueOf(cause.getMessage()) : cause.getMessage() + " (caused by " + root + ")";
        }
    }

    /**
     * The decision for {@code claim}; fails with a timeout, overload or write error, never with a guess.
     *
     * @throws OverloadedException when too many requests wait for decisions
     * @throws DiskLowException when the data's disk is low: nothing is written
     */
    CompletableFuture<ClaimEvent> claim(ClaimRequestParser.ValidClaim claim) {
        var key = new TaskKey(claim.project(), claim.task(), claim.gitSha());
        return submit(ClaimRequested.of(key, claim.agentId(), requestId(claim.requestId()), clock.instant(), claim.policy()));
    }

    /** The decision on a holder's renew, release or completion; fails like {@link #claim}. */
    CompletableFuture<ClaimEvent> holderRequest(HolderRequestParser.ValidHolderRequest request) {
        var requestId = requestId(request.requestId());
        var now = clock.instant();
        ClaimCommand command = switch (request.request()) {
            case RENEW -> LeaseRenewRequested.of(
                    request.key(), request.agentId(), request.fencingToken(), request.ttlSeconds(), requestId, now);
            case RELEASE -> ReleaseRequested.of(request.key(), request.agentId(), request.fencingToken(), requestId, now);
            case COMPLETE -> CompletionReported.of(
                    request.key(), request.agentId(), request.fencingToken(), request.outcome(), requestId, now);
        };
        return submit(command);
    }

    /** Appends {@code command} to the requests topic and returns the future of the decision that answers it. */
    private CompletableFuture<ClaimEvent> submit(ClaimCommand command) {
        var space = disk.status();
        if (space.low()) {
            throw new DiskLowException(space.problem());
        }
        var key = command.taskKey();
        var requestId = command.requestId();
        // Wait first, then write: the decision may arrive before send() returns.
        var decision = pending.register(key, requestId).orElseThrow(() -> new OverloadedException(pending.size()));
        try {
            template.send(new ProducerRecord<>(
                            requests.name(), null, command.timestamp().toEpochMilli(), key, command))
                    .whenComplete((result, error) -> {
                        if (error != null) {
                            pending.fail(key, requestId, new CommandNotWrittenException(requests.name(), error));
                        }
                    });
        } catch (RuntimeException e) {
            pending.fail(key, requestId, new CommandNotWrittenException(requests.name(), e));
        }
        return decision;
    }

    private static String requestId(String given) {
        return given != null ? given : UUID.randomUUID().toString();
    }
}
