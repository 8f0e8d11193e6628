package dev.turnstile.client.cli;

import dev.turnstile.client.AgentId;
import dev.turnstile.client.ClaimRequest;
import dev.turnstile.client.RetrySettings;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** What is claimed, by whom, and how often to retry; shared by {@code claim} and {@code run}. */
final class ClaimOptions {

    @Option(names = "--project", required = true, paramLabel = "PROJECT", description = "Nx project, e.g. hire.")
    String project;

    @Option(names = "--task", required = true, paramLabel = "TASK", description = "Nx target, e.g. convex-deploy.")
    String task;

    @Option(
            names = "--sha",
            required = true,
            paramLabel = "SHA",
            description = "Git commit the task runs for, 7 to 64 hex characters.")
    String sha;

    @Option(
            names = "--agent",
            paramLabel = "AGENT",
            description = "Who is asking (default: $NX_CLOUD_AGENT_ID, else hostname-pid).")
    String agent;

    @Option(
            names = "--request-id",
            paramLabel = "ID",
            description = "Idempotency key sent on every attempt (default: a new UUID); the same key gets the same"
                    + " decision again.")
    String requestId;

    @Option(
            names = "--retries",
            paramLabel = "N",
            defaultValue = "3",
            description = "Retries after the first attempt while the coordinator is unreachable or busy, with"
                    + " backoff from 200 ms to 3 s (default: ${DEFAULT-VALUE}).")
    int retries;

    /** The claim to send; throws {@link dev.turnstile.client.ClaimRejectedException} when it is invalid. */
    ClaimRequest request(Map<String, String> env) {
        String agentId = agent != null ? agent : AgentId.fromEnvironment(env::get, ProcessHandle.current().pid());
        return new ClaimRequest(project, task, sha, agentId, requestId);
    }

    RetrySettings retry(CommandLine commandLine) {
        if (retries < 0) {
            throw new ParameterException(commandLine, "--retries must be 0 or more; got " + retries);
        }
        return RetrySettings.DEFAULTS.withMaxAttempts(retries + 1);
    }
}
