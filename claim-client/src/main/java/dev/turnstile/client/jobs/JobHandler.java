package dev.turnstile.client.jobs;

/**
 * What a {@link Worker} does with each job it claims. Runs on a thread of its own, once per attempt.
 *
 * <p>Return the job's result (a JsonNode, anything Jackson can write, or null) and the worker reports success; throw
 * and it reports a failure: retryable, unless the exception is a {@link JobFailure} that says otherwise. When the job
 * is cancelled or its lease is lost, the worker interrupts the thread ({@link JobContext#stopRequested()} turns true)
 * and reports nothing for the attempt, whatever the handler then returns: stop promptly, and write nothing more under
 * the attempt's fencing token.
 */
@FunctionalInterface
public interface JobHandler {

    Object handle(Job job, JobContext context) throws Exception;
}
