package dev.turnstile.projections.jobs;

import dev.turnstile.contracts.job.CancelAnswer;
import dev.turnstile.contracts.job.CancelJob;
import dev.turnstile.contracts.job.ConfigureAnswer;
import dev.turnstile.contracts.job.ConfigureQueue;
import dev.turnstile.contracts.job.DeleteAnswer;
import dev.turnstile.contracts.job.DeleteJob;
import dev.turnstile.contracts.job.JobAnswer;
import dev.turnstile.contracts.job.JobCommand;
import dev.turnstile.contracts.job.JobEvent;
import dev.turnstile.contracts.job.JobRef;
import dev.turnstile.contracts.job.JobRequestRefused;
import dev.turnstile.contracts.job.JobRules;
import dev.turnstile.contracts.job.OperatorCommand;
import dev.turnstile.contracts.job.PauseAnswer;
import dev.turnstile.contracts.job.PauseQueue;
import dev.turnstile.contracts.job.ResumeAnswer;
import dev.turnstile.contracts.job.ResumeQueue;
import dev.turnstile.contracts.job.RetryAnswer;
import dev.turnstile.contracts.job.RetryJob;
import dev.turnstile.contracts.topic.Topic;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What operators do to jobs and queues: cancel, retry and delete a job; pause, resume and configure a queue. Each is a
 * command appended to {@code job-requests} (keyed by its queue, like every other) and decided by the processor; the
 * answer is taken from {@code job-events} as the read model stores it, so once an operation is answered the read
 * model (and every page reading it) already shows its effect. Used by the operator HTTP API and the Runs page.
 */
public final class JobOperations {

    private static final Logger log = LoggerFactory.getLogger(JobOperations.class);

    private final Producer<String, JobCommand> producer;
    private final Topic<String, JobCommand> requests;
    private final PendingAnswers pending;
    private final Clock clock;
    private final Duration timeout;
    private final ConcurrentHashMap<String, AtomicLong> outcomes = new ConcurrentHashMap<>();

    /**
     * How an operation ended.
     *
     * @param <A> the answers the operation can get
     */
    public sealed interface Outcome<A extends JobAnswer> {

        /** The request's id: a retry with it is answered as the first try was, never decided twice. */
        String requestId();
    }

    /**
     * Decided: done (e.g. {@code JobCancelled}), or refused by the rules ({@code JobRequestRefused}: the job
     * finished, is active, is unknown, the queue is already paused, …; nothing changed).
     */
    public record Answered<A extends JobAnswer>(String requestId, A answer) implements Outcome<A> {}

    /**
     * Not answered: no answer in time, too many operations waiting, or the command could not be written. Retry with
     * the same request id.
     *
     * @param reason {@code timeout}, {@code overloaded} or {@code unavailable}
     */
    public record Unanswered<A extends JobAnswer>(String requestId, String reason, String message)
            implements Outcome<A> {}

    /** The request id already names another operation waiting here: nothing was written. */
    public record RequestIdInUse<A extends JobAnswer>(String requestId) implements Outcome<A> {}

    /**
     * @param producer writes commands (acks=all, idempotent); closed by its owner
     * @param requests the {@code job-requests} topic
     * @param answers the read model whose stored answers complete the operations
     * @param timeout how long an operation waits for its answer
     * @param maxPending most operations waiting at once
     */
    public JobOperations(
            Producer<String, JobCommand> producer,
            Topic<String, JobCommand> requests,
            JobProjection answers,
            Clock clock,
            Duration timeout,
            int maxPending) {
        this.producer = producer;
        this.requests = requests;
        this.pending = new PendingAnswers(maxPending, timeout);
        this.clock = clock;
        this.timeout = timeout;
        answers.answers(pending::complete);
    }

    public CompletableFuture<Outcome<CancelAnswer>> cancel(JobRef job, String requestedBy, String requestId) {
        var id = requestId(requestId);
        return submit(CancelJob.of(job.queue(), id, job.jobId(), recorded(requestedBy), clock.instant()));
    }

    public CompletableFuture<Outcome<RetryAnswer>> retry(JobRef job, String requestedBy, String requestId) {
        var id = requestId(requestId);
        return submit(RetryJob.of(job.queue(), id, job.jobId(), recorded(requestedBy), clock.instant()));
    }

    public CompletableFuture<Outcome<DeleteAnswer>> delete(JobRef job, String requestedBy, String requestId) {
        var id = requestId(requestId);
        return submit(DeleteJob.of(job.queue(), id, job.jobId(), recorded(requestedBy), clock.instant()));
    }

    public CompletableFuture<Outcome<PauseAnswer>> pause(String queue, String requestedBy, String requestId) {
        return submit(PauseQueue.of(queue, requestId(requestId), recorded(requestedBy), clock.instant()));
    }

    public CompletableFuture<Outcome<ResumeAnswer>> resume(String queue, String requestedBy, String requestId) {
        return submit(ResumeQueue.of(queue, requestId(requestId), recorded(requestedBy), clock.instant()));
    }

    /** @param concurrency most jobs active at once; null for no limit */
    public CompletableFuture<Outcome<ConfigureAnswer>> configure(
            String queue, Integer concurrency, String requestedBy, String requestId) {
        return submit(
                ConfigureQueue.of(queue, requestId(requestId), concurrency, recorded(requestedBy), clock.instant()));
    }

    /** Operations answered since start, by outcome ({@code done}, {@code refused}, {@code timeout}, …). */
    public long count(String outcome) {
        var count = outcomes.get(outcome);
        return count == null ? 0 : count.get();
    }

    /** Operations waiting for their answer now. */
    public int waiting() {
        return pending.size();
    }

    /**
     * Appends {@code command} once its wait is registered, and completes with how it ended; exceptionally only when the
     * answer is of a kind the request cannot have (a processor of another release).
     */
    private <A extends JobAnswer> CompletableFuture<Outcome<A>> submit(OperatorCommand<A> command) {
        var queue = command.queue();
        var requestId = command.requestId();
        CompletableFuture<JobEvent> answer;
        switch (pending.register(queue, requestId, command.fingerprint())) {
            case PendingAnswers.Waiting waiting -> answer = waiting.answer();
            case PendingAnswers.Full full -> {
                return CompletableFuture.completedFuture(counted(new Unanswered<>(
                        requestId,
                        "overloaded",
                        full.waitingNow() + " operations are waiting for their answers, the limit; retry shortly with"
                                + " requestId " + requestId)));
            }
            case PendingAnswers.Conflict conflict -> {
                return CompletableFuture.completedFuture(counted(new RequestIdInUse<>(requestId)));
            }
        }
        try {
            producer.send(
                    new ProducerRecord<>(
                            requests.name(), null, command.timestamp().toEpochMilli(), queue, command),
                    (metadata, error) -> {
                        if (error != null) {
                            pending.fail(queue, requestId, error);
                        }
                    });
        } catch (RuntimeException e) {
            pending.fail(queue, requestId, e);
        }
        return answer.handle((event, error) -> counted(outcome(command, requestId, event, error)));
    }

    private <A extends JobAnswer> Outcome<A> outcome(
            OperatorCommand<A> command, String requestId, JobEvent event, Throwable error) {
        if (error == null) {
            if (command.answerType().isInstance(event)) {
                return new Answered<>(requestId, command.answerType().cast(event));
            }
            throw new IllegalStateException("The " + command.kind().wireName() + " " + requestId + " on queue "
                    + command.queue() + " was answered with " + event.getClass().getSimpleName() + "; the processor"
                    + " and this application disagree on the contract: deploy them from the same release");
        }
        var cause = error instanceof CompletionException ? error.getCause() : error;
        if (cause instanceof TimeoutException) {
            log.warn(
                    "No answer within {} to the {} {} on queue {}; answered 503, the operator may retry with the same"
                            + " request id. Check that the processor and this read model are running.",
                    timeout,
                    command.kind().wireName(),
                    requestId,
                    command.queue());
            return new Unanswered<>(
                    requestId,
                    "timeout",
                    "No answer within " + timeout.toMillis() + " ms. Retry with"
                            + " the same requestId (" + requestId + "): a retried request is answered as the first was,"
                            + " never decided twice.");
        }
        log.warn(
                "Could not write the {} {} on queue {} to {}: {}",
                command.kind().wireName(),
                requestId,
                command.queue(),
                requests.name(),
                cause.toString());
        return new Unanswered<>(
                requestId,
                "unavailable",
                "Could not write the request to Kafka topic " + requests.name() + " (" + cause.getMessage()
                        + "). Retry with the same requestId (" + requestId + ").");
    }

    private <A extends JobAnswer> Outcome<A> counted(Outcome<A> outcome) {
        var name = switch (outcome) {
            case Answered<A> answered -> answered.answer() instanceof JobRequestRefused ? "refused" : "done";
            case Unanswered<A> unanswered -> unanswered.reason();
            case RequestIdInUse<A> inUse -> "request_id_conflict";
        };
        outcomes.computeIfAbsent(name, key -> new AtomicLong()).incrementAndGet();
        return outcome;
    }

    /**
     * Who asked, as the event records it: printable ASCII of at most {@value JobRules#NAME_MAX_LENGTH} characters (an
     * identity provider's user name may be longer or use other characters); null when unknown.
     */
    static String recorded(String user) {
        if (user == null) {
            return null;
        }
        var printable = user.replaceAll("[^\\x20-\\x7E]", "?").strip();
        if (printable.length() > JobRules.NAME_MAX_LENGTH) {
            printable = printable.substring(0, JobRules.NAME_MAX_LENGTH).strip();
        }
        return printable.isEmpty() ? null : printable;
    }

    private static String requestId(String given) {
        return given != null ? given : UUID.randomUUID().toString();
    }
}
