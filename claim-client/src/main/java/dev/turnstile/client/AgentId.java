package dev.turnstile.client;

import dev.turnstile.contracts.claim.ClaimRules;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Names the agent making a claim after the CI job it runs in, so that the dashboard says which job holds a task:
 * {@code NX_CLOUD_AGENT_ID}; else the job's identity on GitHub Actions, GitLab CI or Buildkite; else
 * {@code hostname-pid}.
 *
 * <p>Two jobs of one run (a matrix, parallel shards) share the run and job names but never a runner at the same
 * time, so the runner's name is part of the id.
 */
public final class AgentId {

    /** The environment variable Nx Cloud sets on its agents. */
    public static final String ENV_VAR = "NX_CLOUD_AGENT_ID";

    private AgentId() {}

    /** This process's agent id, from the process environment (see {@link #fromEnvironment}). */
    public static String defaultAgentId() {
        return fromEnvironment(System::getenv, ProcessHandle.current().pid());
    }

    /**
     * The agent id for the given environment and process id: {@code $NX_CLOUD_AGENT_ID}; else
     * {@code github-<GITHUB_RUN_ID>-<GITHUB_RUN_ATTEMPT>-<GITHUB_JOB>@<RUNNER_NAME>},
     * {@code gitlab-<CI_JOB_ID>@runner-<CI_RUNNER_ID>} or {@code buildkite-<BUILDKITE_JOB_ID>@<BUILDKITE_AGENT_NAME>}
     * (parts that are unset are left out); else {@code hostname-pid}. Characters an agent id may not hold become
     * {@code _}, and it is cut to {@value ClaimRules#AGENT_ID_MAX_LENGTH} characters.
     *
     * @param env looks up environment variables; returns {@code null} for unset ones
     * @param pid the process id used in the {@code hostname-pid} fallback
     */
    public static String fromEnvironment(UnaryOperator<String> env, long pid) {
        String nxAgent = value(env, ENV_VAR);
        if (nxAgent != null) {
            return printable(nxAgent);
        }
        String githubRun = value(env, "GITHUB_RUN_ID");
        if (githubRun != null) {
            return job("github", env, githubRun, "GITHUB_RUN_ATTEMPT", "GITHUB_JOB")
                    .runner(value(env, "RUNNER_NAME"));
        }
        String gitlabJob = value(env, "CI_JOB_ID");
        if (gitlabJob != null) {
            String runner = value(env, "CI_RUNNER_ID");
            return job("gitlab", env, gitlabJob).runner(runner == null ? null : "runner-" + runner);
        }
        String buildkiteJob = value(env, "BUILDKITE_JOB_ID");
        if (buildkiteJob != null) {
            return job("buildkite", env, buildkiteJob).runner(value(env, "BUILDKITE_AGENT_NAME"));
        }
        return printable(hostname(env) + "-" + pid);
    }

    /** {@code ci-first-more…}, to which the runner is appended after an {@code @}. */
    private static Job job(String ci, UnaryOperator<String> env, String first, String... more) {
        var parts = new ArrayList<String>(List.of(ci, first));
        for (String variable : more) {
            String part = value(env, variable);
            if (part != null) {
                parts.add(part);
            }
        }
        return new Job(String.join("-", parts));
    }

    private record Job(String name) {
        String runner(String runner) {
            return printable(runner == null ? name : name + "@" + runner);
        }
    }

    /** Printable ASCII only, no surrounding spaces, at most the longest agent id the coordinator accepts. */
    private static String printable(String id) {
        String ascii = id.strip().replaceAll("[^\\x20-\\x7E]", "_");
        int max = ClaimRules.AGENT_ID_MAX_LENGTH;
        return (ascii.length() <= max ? ascii : ascii.substring(0, max)).strip();
    }

    private static String value(UnaryOperator<String> env, String variable) {
        String value = env.apply(variable);
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** The host name without a DNS lookup when the shell exported it; a lookup of the local host otherwise. */
    private static String hostname(UnaryOperator<String> env) {
        for (String variable : new String[] {"HOSTNAME", "COMPUTERNAME"}) {
            String value = value(env, variable);
            if (value != null) {
                return value;
            }
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            // The pid still tells agents on this host apart; pass --agent for a meaningful name.
            return "unknown-host";
        }
    }
}
