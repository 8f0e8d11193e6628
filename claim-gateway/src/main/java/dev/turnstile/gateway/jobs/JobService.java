package dev.turnstile.gateway.jobs;

import dev.turnstile.contracts.job.ClaimNextJob;
import dev.turnstile.contracts.job.JobAnswer;
import dev.turnstile.contracts.job.JobCommand;
import dev.turnstile.contracts.job.JobEvent;
import dev.turnstile.contracts.job.JobRequest;
import dev.turnstile.contracts.topic.Topic;
import dev.turnstile.gateway.answers.PendingAnswers;
import dev.turnstile.gateway.health.DiskSpace;
import dev.turnstile.gateway.web.RequestIdLogContext;
import io.micrometer.observation.ObservationRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.kafka.core.KafkaTemplate;

/** Appends a job request to {@code job-requests} and returns the future of its answer, as {@code ClaimService} does. */
final class JobService {

    private final KafkaTemplate<String, JobCommand> template;
    private final Topic<String, JobCommand> requests;
    private final PendingAnswers<JobEvent> pending;
    private final BooleanSupplier listening;
    private final Clock clock;
    private final Duration decisionTimeout;
    private final ObservationRegistry observations;
    private final DiskSpace disk;

    JobService(
            KafkaTemplate<String, JobCommand> template,
            Topic<String, JobCommand> requests,
            PendingAnswers<JobEvent> pending,
            BooleanSupplier listening,
            DiskSpace disk,
            Clock clock,
            Duration decisionTimeout,
            ObservationRegistry observations) {
        this.template = template;
        this.requests = requests;
        this.pending = pending;
        this.listening = listening;
        this.disk = disk;
        this.clock = clock;
        this.decisionTimeout = decisionTimeout;
        this.observations = observations;
    }

    /**
     * What became of a request handed to the service; every outcome names the request id, made here if absent.
     *
     * @param <A> the answers the request can get
     */
    sealed interface Submission<A extends JobAnswer> {
        String requestId();
    }

    /** Written (or being written): the answer follows, or a timeout or write error. */
    record Submitted<A extends JobAnswer>(String requestId, CompletableFuture<A> answer) implements Submission<A> {}

    /** Too many requests wait for answers: nothing was written. */
    record Overloaded<A extends JobAnswer>(String requestId, int waitingNow) implements Submission<A> {}

    /** Another request under the same id, asking something else, waits here: nothing was written. */
    record RequestIdInUse<A extends JobAnswer>(String requestId, String queue) implements Submission<A> {}

    /** The disk holding the data is below its free-space threshold: nothing was written. */
    record DiskLow<A extends JobAnswer>(String requestId, String problem) implements Submission<A> {}

    /** This gateway does not read job events (yet): nothing was written, as no answer could reach the client. */
    record NotListening<A extends JobAnswer>(String requestId) implements Submission<A> {}

    /** Raised when a request is answered by an event of the wrong kind: the processor and gateway disagree. */
    static final class ContractMismatchException extends RuntimeException {
        ContractMismatchException(JobRequest<?> request, JobEvent event) {
            super("The " + request.kind().wireName() + " " + request.requestId() + " on queue " + request.queue()
                    + " was answered with " + event.getClass().getSimpleName() + " (" + event.eventId() + "); the"
                    + " processor and gateway disagree on the contract: deploy them from the same release");
        }
    }

    /** Raised when the command could not be written to Kafka: nothing was decided. */
    static final class CommandNotWrittenException extends RuntimeException {
        CommandNotWrittenException(String topic, Throwable cause) {
            super("Could not write the job request to Kafka topic " + topic + ": " + describe(cause), cause);
        }

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

    /** {@code valid} stamped with its request id (made here when the client gave none) and the time it came. */
    <C extends JobRequest<?>> C stamp(JobRequestParser.Valid<C> valid) {
        var requestId = valid.requestId() != null
                ? valid.requestId()
                : UUID.randomUUID().toString();
        return valid.command().apply(requestId, clock.instant());
    }

    /** Appends {@code request} once a wait for its answer is registered; a claim-next waits its own wait too. */
    <A extends JobAnswer> Submission<A> submit(JobRequest<A> request) {
        var queue = request.queue();
        var requestId = request.requestId();
        if (!listening.getAsBoolean()) {
            return new NotListening<>(requestId);
        }
        var space = disk.status();
        if (space.low()) {
            return new DiskLow<>(requestId, space.problem());
        }
        var timeout = request instanceof ClaimNextJob claim
                ? decisionTimeout.plusSeconds(claim.waitSeconds())
                : decisionTimeout;
        // Every later log line of this HTTP request names it; RequestIdLogContext clears it when the request ends.
        RequestIdLogContext.attach(requestId, observations);
        // Wait first, then write: the answer may arrive before send() returns.
        CompletableFuture<JobEvent> answer;
        switch (pending.register(queue, requestId, request.fingerprint(), timeout)) {
            case PendingAnswers.Waiting<JobEvent> waiting -> answer = waiting.answer();
            case PendingAnswers.Full<JobEvent> full -> {
                return new Overloaded<>(requestId, full.waitingNow());
            }
            case PendingAnswers.Conflict<JobEvent> conflict -> {
                return new RequestIdInUse<>(requestId, queue);
            }
        }
        try {
            template.send(new ProducerRecord<>(
                            requests.name(), null, request.timestamp().toEpochMilli(), queue, (JobCommand) request))
                    .whenComplete((result, error) -> {
                        if (error != null) {
                            pending.fail(queue, requestId, new CommandNotWrittenException(requests.name(), error));
                        }
                    });
        } catch (RuntimeException e) {
            pending.fail(queue, requestId, new CommandNotWrittenException(requests.name(), e));
        }
        return new Submitted<>(requestId, answer.thenApply(event -> {
            if (!request.answerType().isInstance(event)) {
                throw new ContractMismatchException(request, event);
            }
            return request.answerType().cast(event);
        }));
    }
}
