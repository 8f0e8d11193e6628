package dev.turnstile.contracts.claim;

import java.util.Objects;

/**
 * What every command says about the request and the task key it is about. Unwrapped on the wire: its fields sit at
 * the top level of each record of {@code claim-requests}.
 *
 * @param schemaVersion version of the record's shape, {@link #SCHEMA_VERSION} when written
 * @param requestId idempotency key chosen by the agent, or by the gateway when the agent sent none
 * @param taskKey {@code project:task:gitSha}, also the record key
 * @param gitSha the commit, lower-case hexadecimal
 */
public record CommandHeader(
        int schemaVersion, String requestId, String taskKey, String project, String task, String gitSha) {

    public static final int SCHEMA_VERSION = 1;

    public CommandHeader {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(taskKey, "taskKey");
    }

    /** The header of request {@code requestId} on {@code key}, as the gateway writes it. */
    public static CommandHeader of(TaskKey key, String requestId) {
        return new CommandHeader(SCHEMA_VERSION, requestId, key.value(), key.project(), key.task(), key.gitSha());
    }

    /** The task key. */
    public TaskKey key() {
        return new TaskKey(project, task, gitSha);
    }
}
