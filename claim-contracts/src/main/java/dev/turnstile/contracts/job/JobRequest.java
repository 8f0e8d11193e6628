package dev.turnstile.contracts.job;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * A request from a client, a worker or an operator, answered by one event of type {@code A} (the answer
 * sub-hierarchy of its kind, so a controller switches over it without a default branch). A retry under the same
 * request id gets the same answer again, marked redelivery; another request reusing the id is refused with
 * {@link JobRefusalReason#REQUEST_ID_REUSED}.
 *
 * @param <A> the answers this request can get
 */
public sealed interface JobRequest<A extends JobAnswer> extends JobCommand
        permits EnqueueJob, ClaimNextJob, WorkerCommand, OperatorCommand {

    /** What is asked, for refusals. */
    @JsonIgnore
    JobRequestKind kind();

    /** The type of the answer, for matching an event from {@code job-events} to this request. */
    @JsonIgnore
    Class<A> answerType();
}
