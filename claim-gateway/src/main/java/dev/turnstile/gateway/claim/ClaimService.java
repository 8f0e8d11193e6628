package dev.turnstile.gateway.claim;

import dev.turnstile.contracts.claim.ClaimAnswer;
import dev.turnstile.contracts.claim.ClaimCommand;
import dev.turnstile.contracts.claim.ClaimEvent;
import dev.turnstile.contracts.claim.ClaimRequested;
import dev.turnstile.contracts.claim.CompletionReported;
import dev.turnstile.contracts.claim.HolderAnswer;
import dev.turnstile.contracts.claim.LeaseRenewRequested;
import dev.turnstile.contracts.claim.ReleaseRequested;
import dev.turnstile.contracts.topic.Topic;
import dev.turnstile.gateway.answers.PendingAnswers;
import dev.turnstile.gateway.health.DiskSpace;
import dev.turnstile.gateway.web.RequestIdLogContext;
import io.micrometer.observation.ObservationRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Appends a claim command to the requests topic and returns the future of its decision. Writes nothing while the
 * disk holding the data is low on space.
 */
final class ClaimService {

    private static final Logger log = LoggerFactory.getLogger(ClaimService.class);

    private final KafkaTemplate<String, ClaimCommand> template;
    private final Topic<String, ClaimCommand> requests;
    private final PendingAnswers<ClaimEvent> pending;
    private final DiskSpace disk;
    private final Clock clock;
    private final Duration decisionTimeout;
    private final ObservationRegistry observations;

    ClaimService(
            KafkaTemplate<String, ClaimCommand> template,
            Topic<String, ClaimCommand> requests,
            PendingAnswers<ClaimEvent> pending,
            DiskSpace disk,
            Clock clock,
            Duration decisionTimeout,
            ObservationRegistry observations) {
        this.template = template;
        this.requests = requests;
        this.pending = pending;
        this.disk = disk;
        this.clock = clock;
        this.decisionTimeout = decisionTimeout;
        this.observations = observations;
    }

    /**
     * What became of a request handed to the service; every outcome names the request id, made here if absent.
     *
     * @param <A> the kind of decision that answers the request
     */
    sealed interface Submission<A extends ClaimEvent> {
        String requestId();
    }

    /** Written (or being written): the decision follows, or a timeout or write error. */
    record Submitted<A extends ClaimEvent>(String requestId, CompletableFuture<A> decision) implements Submission<A> {}

    /** Too many requests wait for decisions: nothing was written. */
    record Overloaded<A extends ClaimEvent>(String requestId, int waitingNow) implements Submission<A> {
        String message() {
            return "The gateway has " + waitingNow + " requests waiting for decisions, its limit; retry shortly with"
                    + " requestId " + requestId;
        }
    }

    /** Another request under the same id, asking something else, waits here: nothing was written. */
    record RequestIdInUse<A extends ClaimEvent>(String requestId, String taskKey) implements Submission<A> {}

    /** Raised when a request is answered by a decision of the wrong kind: the processor and gateway disagree. */
    static final class ContractMismatchException extends RuntimeException {
        ContractMismatchException(ClaimCommand command, ClaimEvent decision) {
            super("The " + command.getClass().getSimpleName() + " " + command.requestId() + " on " + command.taskKey()
                    + " was answered with " + decision.getClass().getSimpleName() + " (" + decision.decisionId()
                    + "); the processor and gateway disagree on the contract: deploy them from the same release");
        }
    }

    /** The disk holding the data is below its free-space threshold: nothing was written. */
    record DiskLow<A extends ClaimEvent>(String requestId, String problem) implements Submission<A> {
        String message() {
            return problem + "; the request was not written, so that what was accepted before can still be decided."
                    + " Free space there, then retry with the same requestId (" + requestId + ").";
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
            return root == cause
                    ? String.valueOf(cause.getMessage())
                    : cause.getMessage() + " (caused by " + root + ")";
        }
    }

    /** Submits {@code claim}; its decision fails with a timeout or write error, never with a guess. */
    Submission<ClaimAnswer> claim(ClaimRequestParser.ValidClaim claim) {
        return submit(
                ClaimRequested.of(
                        claim.key(), claim.agentId(), requestId(claim.requestId()), clock.instant(), claim.policy()),
                ClaimAnswer.class);
    }

    /** Submits a holder's renew, release or completion, as {@link #claim}. */
    Submission<HolderAnswer> holderRequest(HolderRequestParser.ValidHolderRequest request) {
        var requestId = requestId(request.requestId());
        var now = clock.instant();
        ClaimCommand command = switch (request.request()) {
            case RENEW ->
                LeaseRenewRequested.of(
                        request.key(), request.agentId(), request.fencingToken(), request.ttlSeconds(), requestId, now);
            case RELEASE ->
                ReleaseRequested.of(request.key(), request.agentId(), request.fencingToken(), requestId, now);
            case COMPLETE ->
                CompletionReported.of(
                        request.key(), request.agentId(), request.fencingToken(), request.outcome(), requestId, now);
            case CLAIM -> throw new IllegalArgumentException("A claim is not a holder request; use claim()");
        };
        return submit(command, HolderAnswer.class);
    }

    /** Appends {@code command} to the requests topic, once a wait for the decision that answers it is registered. */
    private <A extends ClaimEvent> Submission<A> submit(ClaimCommand command, Class<A> answers) {
        var space = disk.status();
        if (space.low()) {
            return new DiskLow<>(command.requestId(), space.problem());
        }
        var key = command.taskKey();
        var requestId = command.requestId();
        // Every later log line of this HTTP request names it; RequestIdLogContext clears it when the request ends.
        RequestIdLogContext.attach(requestId, observations);
        log.debug("Writing {} {} on {}", command.getClass().getSimpleName(), requestId, key);
        // Wait first, then write: the decision may arrive before send() returns.
        CompletableFuture<ClaimEvent> decision;
        switch (pending.register(key, requestId, command.fingerprint(), decisionTimeout)) {
            case PendingAnswers.Waiting<ClaimEvent> waiting -> decision = waiting.answer();
            case PendingAnswers.Full<ClaimEvent> full -> {
                return new Overloaded<>(requestId, full.waitingNow());
            }
            case PendingAnswers.Conflict<ClaimEvent> conflict -> {
                return new RequestIdInUse<>(requestId, key);
            }
        }
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
        return new Submitted<>(requestId, decision.thenApply(event -> {
            if (!answers.isInstance(event)) {
                throw new ContractMismatchException(command, event);
            }
            return answers.cast(event);
        }));
    }

    private static String requestId(String given) {
        return given != null ? given : UUID.randomUUID().toString();
    }
}
