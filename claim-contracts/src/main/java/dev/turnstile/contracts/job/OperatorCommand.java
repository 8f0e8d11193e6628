package dev.turnstile.contracts.job;

/**
 * A request from an operator: cancel, retry or delete a job; pause, resume or configure the queue.
 *
 * @param <A> the answers this request can get
 */
public sealed interface OperatorCommand<A extends JobAnswer> extends JobRequest<A>
        permits CancelJob, RetryJob, DeleteJob, PauseQueue, ResumeQueue, ConfigureQueue {

    /** Who asked (a dashboard user, say), for the record; null when unknown. */
    String requestedBy();
}
