package dev.turnstile.client.cli;

import dev.turnstile.client.AgentId;
import dev.turnstile.client.ClaimRequest;
import dev.turnstile.client.GitSha;
import dev.turnstile.client.RetrySettings;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** What is claimed, by whom, and how often to retry; shared by {@code claim} and {@code run}. */
final class ClaimOptions {

    /** Set by Nx in the processes of a task it runs. */
    static final String NX_PROJECT_ENV_VAR = "NX_TASK_TARGET_PROJECT";

    static final String NX_TARGET_ENV_VAR = "NX_TASK_TARGET_TARGET";

    @Option(
            names = "--project",
            paramLabel = "PROJECT",
            description = "Project, e.g. hire (default in an Nx target: $" + NX_PROJECT_ENV_VAR + ").")
    String project;

    @Option(
            names = "--task",
            paramLabel = "TASK",
            description =
                    "Task or Nx target, e.g. convex-deploy (default in an Nx target: $" + NX_TARGET_ENV_VAR + ").")
    String task;

    @Option(
            names = "--sha",
            paramLabel = "SHA",
            description = "Git commit the task runs for, 7 to 64 hex characters (default: $GITHUB_SHA, $CI_COMMIT_SHA"
                    + " or $BUILDKITE_COMMIT, else git rev-parse HEAD).")
    String sha;

    @Option(
            names = "--agent",
            paramLabel = "AGENT",
            description = "Who is asking (default: $NX_CLOUD_AGENT_ID, else the CI job and runner, else"
                    + " hostname-pid; see Environment).")
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

    /**
     * The claim to send, with what the command line leaves out taken from the CI's environment or git; says on
     * standard error where the project, task or SHA came from when they were not given.
     *
     * @throws ParameterException when no project, task or SHA is given or found
     * @throws dev.turnstile.client.ClaimRejectedException when the claim is invalid
     */
    ClaimRequest request(ClaimCtl parent, CommandLine commandLine) {
        var found = new ArrayList<String>();
        String projectName = option(project, "--project", NX_PROJECT_ENV_VAR, parent, commandLine, found, "project");
        String taskName = option(task, "--task", NX_TARGET_ENV_VAR, parent, commandLine, found, "task");
        String gitSha = sha;
        if (gitSha == null) {
            switch (GitSha.detect(parent.env, parent.git)) {
                case GitSha.Lookup.Found commit -> {
                    gitSha = commit.sha();
                    found.add("sha " + commit.sha() + " (from " + commit.source() + ")");
                }
                case GitSha.Lookup.NotFound none ->
                    throw new ParameterException(
                            commandLine,
                            none.message() + ". Pass --sha, or run claimctl in the git checkout of the commit.");
            }
        }
        String agentId = agent != null
                ? agent
                : AgentId.fromEnvironment(parent.env, ProcessHandle.current().pid());
        if (!found.isEmpty()) {
            commandLine.getErr().println("claimctl: " + String.join(", ", found));
            commandLine.getErr().flush();
        }
        return new ClaimRequest(projectName, taskName, gitSha, agentId, requestId);
    }

    /** The option's value, else the Nx variable's (noted in {@code found}); a usage error when neither is set. */
    private static String option(
            String given,
            String option,
            String variable,
            ClaimCtl parent,
            CommandLine commandLine,
            List<String> found,
            String what) {
        if (given != null) {
            return given;
        }
        String value = parent.env.apply(variable);
        if (value == null || value.isBlank()) {
            throw new ParameterException(
                    commandLine,
                    "Missing " + option + ": pass " + option + " (or run claimctl in an Nx target, which sets "
                            + variable + ")");
        }
        found.add(what + " " + value.strip() + " (from " + variable + ")");
        return value.strip();
    }

    RetrySettings retry(CommandLine commandLine) {
        if (retries < 0) {
            throw new ParameterException(commandLine, "--retries must be 0 or more; got " + retries);
        }
        return RetrySettings.DEFAULTS.withMaxAttempts(retries + 1);
    }
}
