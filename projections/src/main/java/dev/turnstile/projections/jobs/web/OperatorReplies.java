package dev.turnstile.projections.jobs.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.turnstile.contracts.claim.FieldViolation;
import dev.turnstile.contracts.job.CancelAnswer;
import dev.turnstile.contracts.job.ConfigureAnswer;
import dev.turnstile.contracts.job.DeleteAnswer;
import dev.turnstile.contracts.job.JobAnswer;
import dev.turnstile.contracts.job.JobCancelled;
import dev.turnstile.contracts.job.JobDeleted;
import dev.turnstile.contracts.job.JobRef;
import dev.turnstile.contracts.job.JobRequestRefused;
import dev.turnstile.contracts.job.JobRetried;
import dev.turnstile.contracts.job.JobState;
import dev.turnstile.contracts.job.PauseAnswer;
import dev.turnstile.contracts.job.QueueConfigured;
import dev.turnstile.contracts.job.QueuePaused;
import dev.turnstile.contracts.job.QueueResumed;
import dev.turnstile.contracts.job.ResumeAnswer;
import dev.turnstile.contracts.job.RetryAnswer;
import dev.turnstile.projections.jobs.JobOperations;
import java.util.List;
import java.util.function.Function;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

/** How an operator request's outcome is answered over HTTP: 200 done, 409 (404) refused, 503 unanswered. */
final class OperatorReplies {

    private OperatorReplies() {}

    /**
     * The answer to an operator.
     *
     * @param accepted true when done; false when refused (HTTP 409, or 404 for an unknown job)
     * @param result what was done ({@code cancelled}, {@code retried}, {@code deleted}, {@code paused},
     *     {@code resumed}, {@code configured}) or {@code refused}
     * @param reason when refused: why, machine-readable ({@code job_finished}, {@code job_active}, …)
     * @param state where the job stands now (cancel, retry), or stood (delete, refusals)
     * @param previousState where the job stood before (cancel, retry, delete)
     * @param concurrency the queue's limit after a settings change (absent: no limit)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record OperatorReply(
            boolean accepted,
            String result,
            String reason,
            String message,
            String id,
            String queue,
            String jobId,
            JobState state,
            JobState previousState,
            Integer concurrency,
            String requestId,
            String eventId,
            boolean redelivery) {}

    /** 200 done, 409 (404 for an unknown job) refused, 503 unanswered, 409 for a request id waiting for another. */
    static <A extends JobAnswer> ResponseEntity<?> answer(
            JobOperations.Outcome<A> outcome, Function<A, OperatorReply> reply) {
        return switch (outcome) {
            case JobOperations.Answered<A> answered -> {
                var body = reply.apply(answered.answer());
                yield body.accepted()
                        ? ResponseEntity.ok(body)
                        : ResponseEntity.status(
                                        "unknown_job".equals(body.reason())
                                                ? HttpStatus.NOT_FOUND
                                                : HttpStatus.CONFLICT)
                                .body(body);
            }
            case JobOperations.Unanswered<A> unanswered ->
                ApiError.unavailable(
                        "timeout".equals(unanswered.reason()) ? "decision_timeout" : unanswered.reason(),
                        unanswered.message(),
                        unanswered.requestId());
            case JobOperations.RequestIdInUse<A> inUse -> requestIdReused(inUse.requestId());
        };
    }

    static OperatorReply cancelled(CancelAnswer answer) {
        return switch (answer) {
            case JobCancelled e ->
                job(
                        e,
                        "cancelled",
                        new JobRef(e.queue(), e.jobId()),
                        JobState.CANCELLED,
                        e.previousState(),
                        e.workerId() == null
                                ? "Cancelled " + new JobRef(e.queue(), e.jobId()) + " (it was "
                                        + e.previousState().wireName() + "); it is never handed out again"
                                : "Cancelled " + new JobRef(e.queue(), e.jobId()) + " while " + e.workerId()
                                        + " ran it: the"
                                        + " worker's next heartbeat is refused with cancelled, so it stops");
            case JobRequestRefused e -> refusal(e);
        };
    }

    static OperatorReply retried(RetryAnswer answer) {
        return switch (answer) {
            case JobRetried e ->
                job(
                        e,
                        "retried",
                        new JobRef(e.queue(), e.jobId()),
                        JobState.WAITING,
                        e.previousState(),
                        "Retried " + new JobRef(e.queue(), e.jobId()) + ": waiting, with a fresh round"
                                + " of attempts");
            case JobRequestRefused e -> refusal(e);
        };
    }

    static OperatorReply deleted(DeleteAnswer answer) {
        return switch (answer) {
            case JobDeleted e ->
                job(
                        e,
                        "deleted",
                        new JobRef(e.queue(), e.jobId()),
                        null,
                        e.previousState(),
                        "Deleted " + new JobRef(e.queue(), e.jobId()) + "; its job id may be used again");
            case JobRequestRefused e -> refusal(e);
        };
    }

    static OperatorReply paused(PauseAnswer answer) {
        return switch (answer) {
            case QueuePaused e ->
                queue(
                        e,
                        "paused",
                        null,
                        "Paused queue " + e.queue() + ": claim-next hands out"
                                + " nothing until it is resumed; active jobs go on");
            case JobRequestRefused e -> refusal(e);
        };
    }

    static OperatorReply resumed(ResumeAnswer answer) {
        return switch (answer) {
            case QueueResumed e ->
                queue(e, "resumed", null, "Resumed queue " + e.queue() + ": waiting jobs are" + " handed out again");
            case JobRequestRefused e -> refusal(e);
        };
    }

    static OperatorReply configured(ConfigureAnswer answer) {
        return switch (answer) {
            case QueueConfigured e ->
                queue(
                        e,
                        "configured",
                        e.concurrency(),
                        e.concurrency() == null
                                ? "Queue " + e.queue() + " has no concurrency limit"
                                : "At most " + e.concurrency() + " jobs of queue " + e.queue() + " are active at once");
            case JobRequestRefused e -> refusal(e);
        };
    }

    private static OperatorReply job(
            JobAnswer e, String result, JobRef ref, JobState state, JobState previous, String message) {
        return new OperatorReply(
                true,
                result,
                null,
                message,
                ref.toString(),
                ref.queue(),
                ref.jobId(),
                state,
                previous,
                null,
                e.requestId(),
                e.eventId(),
                e.redelivery());
    }

    private static OperatorReply queue(JobAnswer e, String result, Integer concurrency, String message) {
        return new OperatorReply(
                true,
                result,
                null,
                message,
                null,
                e.queue(),
                null,
                null,
                null,
                concurrency,
                e.requestId(),
                e.eventId(),
                e.redelivery());
    }

    static OperatorReply refusal(JobRequestRefused e) {
        var ref = e.jobId() == null ? null : new JobRef(e.queue(), e.jobId());
        return new OperatorReply(
                false,
                "refused",
                e.reason().wireName(),
                refusalMessage(e, ref),
                ref == null ? null : ref.toString(),
                e.queue(),
                e.jobId(),
                e.state(),
                null,
                null,
                e.requestId(),
                e.eventId(),
                e.redelivery());
    }

    /** What the refusal means for an operator, in one sentence. */
    static String refusalMessage(JobRequestRefused e, JobRef ref) {
        var state = e.state() == null ? "?" : e.state().wireName();
        return switch (e.reason()) {
            case UNKNOWN_JOB -> "Queue " + e.queue() + " holds no job " + e.jobId() + " (never enqueued, or deleted)";
            case JOB_FINISHED -> ref + " already finished (" + state + "): there is nothing to cancel";
            case NOT_RETRYABLE ->
                "Only a dead job, or one waiting out its backoff, can be retried; " + ref + " is " + state;
            case DEDUP_KEY_TAKEN -> ref + " cannot be retried: another unfinished job of the queue holds its dedup key";
            case JOB_ACTIVE -> ref + " is active: cancel it first, or wait for it to finish, then delete it";
            case ALREADY_PAUSED -> "Queue " + e.queue() + " is already paused";
            case NOT_PAUSED -> "Queue " + e.queue() + " is not paused";
            case REQUEST_ID_REUSED ->
                "Request id " + e.requestId() + " already names a different request on queue " + e.queue()
                        + "; use a new request id (the same one only to retry the same request)";
            case STALE_TOKEN, NOT_HOLDER, LEASE_EXPIRED, CANCELLED, ALREADY_COMPLETED, ALREADY_FAILED ->
                "Refused: " + e.reason().wireName() + " (" + ref + " is " + state + ")";
        };
    }

    static ResponseEntity<ApiError> requestIdReused(String requestId) {
        var message = "Request id " + requestId + " already names a different operator request waiting here. A request"
                + " id names one request: send it again only to retry that same request. Nothing was done.";
        return ResponseEntity.status(HttpStatus.CONFLICT)
                .body(new ApiError(
                        "request_id_conflict",
                        message,
                        List.of(new FieldViolation("requestId", "unique", message)),
                        requestId));
    }
}
