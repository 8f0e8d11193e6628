package dev.turnstile.client.cli;

import dev.turnstile.client.ClaimRejectedException;
import dev.turnstile.client.CoordinatorUnavailableException;
import dev.turnstile.client.GitSha;
import dev.turnstile.client.jobs.JobRejectedException;
import dev.turnstile.contracts.claim.FieldViolation;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.UnaryOperator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * {@code claimctl}: asks the Turnstile coordinator whether this CI agent may run a task, so that when Nx Cloud
 * hands the same task to several agents only the first one runs it and the others skip it successfully.
 */
@Command(
        name = "claimctl",
        mixinStandardHelpOptions = true,
        versionProvider = ClaimCtl.Version.class,
        description = {
            "Asks the Turnstile coordinator whether this CI agent may run a task. The first agent to claim"
                    + " project:task:sha proceeds; every other agent skips it and exits 0, so the pipeline carries on.",
            "Work queues: enqueue adds a job; worker runs a command for each job of a queue.",
        },
        subcommands = {
            ClaimCommand.class,
            RunCommand.class,
            HolderCommands.Renew.class,
            HolderCommands.Release.class,
            HolderCommands.Complete.class,
            HealthCommand.class,
            EnqueueCommand.class,
            WorkerCommand.class
        },
        footerHeading = "%n",
        footer = ClaimCtl.FOOTER)
public final class ClaimCtl implements Runnable {

    /** Proceeding; or skipping a duplicate without {@code --exit-code}; or healthy. */
    public static final int OK = 0;

    /** {@code health}: the coordinator answered but is unhealthy (also picocli's code for an unexpected error). */
    public static final int UNHEALTHY = 1;

    /** A bad option, or no coordinator URL (picocli's usage error code). */
    public static final int USAGE = 2;

    /** The claim is invalid: found on the agent before sending, or rejected by the coordinator with 400. */
    public static final int INVALID = 3;

    /** No decision: the coordinator was unreachable or unavailable on every attempt, or answered unusably. */
    public static final int UNAVAILABLE = 4;

    /** {@code claim --exit-code}: another agent already claimed the task; skip it. */
    public static final int SKIPPED = 10;

    /** {@code run --wait}: the winner reported that the task failed. */
    public static final int WINNER_FAILED = 11;

    /** {@code run --wait}: the winner's lease expired, or it released the task, without an outcome. */
    public static final int WINNER_GONE = 12;

    /** {@code run --wait}: no outcome before {@code --wait-timeout}. */
    public static final int WAIT_TIMEOUT = 13;

    /** {@code run --lease}: this agent lost its lease while the command ran; the command was stopped. */
    public static final int LEASE_LOST = 14;

    /** {@code renew}, {@code release}, {@code complete}: the coordinator refused (stale token, expired, …). */
    public static final int REFUSED = 15;

    /** {@code worker}: stopped by a signal, but jobs still running after the shutdown grace were stopped and failed. */
    public static final int DRAIN_INCOMPLETE = 16;

    /** {@code run}: the command was granted but could not be started (as shells report "command not found"). */
    public static final int CANNOT_START = 127;

    static final String FOOTER = """
            Exit codes:
              0    proceeding; or skipping a duplicate (without --exit-code);
                   or healthy
              1    health: the coordinator is unhealthy; or an unexpected
                   error; or (bin/claimctl) no Java 21+ runtime was found
              2    usage error, e.g. an unknown option, no coordinator URL,
                   no commit SHA given or found
              3    invalid claim, checked locally or rejected by the
                   coordinator: nothing ran
              4    coordinator unreachable or unavailable after all retries:
                   check TURNSTILE_URL and that the coordinator is running
                   (claimctl health)
              10   claim --exit-code: skipping, another agent claimed the task
              11   run --wait: the winner reported that the task failed
              12   run --wait: the winner's lease expired, or it released the
                   task, without an outcome
              13   run --wait: no outcome before --wait-timeout
              14   run --lease: this agent lost its lease (another agent took
                   over); the command was stopped
              15   renew, release, complete: refused (stale token, expired, ...)
              16   worker: stopped by SIGTERM/SIGINT, but jobs still running
                   after --shutdown-grace were stopped and failed (retryable)
              run  the command's own exit code when granted; 127 when it
                   cannot be started
              enqueue  0 when added or already there; 3 invalid job; 4 as above
              worker   0 when stopped by SIGTERM/SIGINT (or --max-jobs done)
                   after every job finished; 3 when the coordinator refuses
                   the queue or worker id; it keeps asking while the
                   coordinator is unreachable

            Exit codes of a worker's COMMAND: 0 the job succeeded; 100 (see
            --permanent-exit-codes) it failed for good, no retry; any other
            it failed and is retried after its backoff while attempts remain.

            Environment (options on the command line win):
              TURNSTILE_URL       coordinator URL, e.g. http://turnstile:8080
              NX_COORDINATOR_URL  the same, read when TURNSTILE_URL is unset
                                  (the older name, kept as an alias)
              TURNSTILE_TOKEN     agent token, for a coordinator that
                                  requires one
              NX_TASK_TARGET_PROJECT, NX_TASK_TARGET_TARGET
                                  --project and --task, set by Nx in the
                                  processes of the task it runs
              GITHUB_SHA, CI_COMMIT_SHA, BUILDKITE_COMMIT
                                  --sha: the first that holds a SHA (GitHub
                                  Actions, GitLab CI, Buildkite), else
                                  git rev-parse HEAD; claimctl says which
                                  on standard error
              NX_CLOUD_AGENT_ID   --agent; else the CI job and runner:
              GITHUB_RUN_ID, GITHUB_RUN_ATTEMPT, GITHUB_JOB, RUNNER_NAME
                                  github-RUN-ATTEMPT-JOB@RUNNER
              CI_JOB_ID, CI_RUNNER_ID
                                  gitlab-JOB@runner-RUNNER
              BUILDKITE_JOB_ID, BUILDKITE_AGENT_NAME
                                  buildkite-JOB@AGENT
              HOSTNAME, COMPUTERNAME
                                  else HOSTNAME-pid
              JAVA_HOME, JAVA_HOME_<N>_X64, JAVA_HOME_<N>_ARM64
                                  bin/claimctl: where to look for a Java
                                  21+ runtime (after CLAIMCTL_JAVA), before
                                  java on the PATH and /usr/lib/jvm
              CLAIMCTL_JAVA       bin/claimctl: the java executable to use
              CLAIMCTL_JAVA_OPTS  bin/claimctl: extra JVM options, e.g.
                                  -Djavax.net.ssl.trustStore=/path/ca.p12
            """;

    /** Looks up environment variables; {@code null} for unset ones. */
    final UnaryOperator<String> env;

    /** Asked for the commit when neither --sha nor a CI variable names one. */
    final GitSha.Git git;

    @Spec
    CommandSpec spec;

    ClaimCtl(UnaryOperator<String> env, GitSha.Git git) {
        this.env = env;
        this.git = git;
    }

    /** Runs {@code claimctl} with the process environment and exits with its exit code. */
    public static void main(String[] args) {
        CommandLine commandLine = commandLine(System.getenv());
        // CI logs are UTF-8 even where the locale is POSIX; the decision line has an em dash.
        commandLine.setOut(new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true));
        commandLine.setErr(new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true));
        System.exit(commandLine.execute(args));
    }

    /**
     * The {@code claimctl} command line as {@link #main} runs it, reading environment variables from {@code env}.
     * Call {@link CommandLine#execute} on it; set its output and error writers first to capture them.
     */
    public static CommandLine commandLine(Map<String, String> env) {
        return commandLine(Map.copyOf(env)::get, GitSha.inWorkingDirectory());
    }

    /**
     * The {@code claimctl} command line reading environment variables through {@code env} and asking {@code git}
     * for the commit when no option or variable names one.
     */
    public static CommandLine commandLine(UnaryOperator<String> env, GitSha.Git git) {
        CommandLine commandLine = new CommandLine(new ClaimCtl(env, git));
        // "@file" is a value here (enqueue --payload @job.json), not a file of arguments.
        commandLine.setExpandAtFiles(false);
        commandLine.setExecutionExceptionHandler(ClaimCtl::handleExecutionException);
        commandLine.setParameterExceptionHandler(ClaimCtl::handleParameterException);
        // Everything after the command name belongs to the command: `run ... sh -c 'exit 7'` needs no `--`.
        commandLine.getSubcommands().get("run").setStopAtPositional(true);
        commandLine.getSubcommands().get("worker").setStopAtPositional(true);
        return commandLine;
    }

    @Override
    public void run() {
        throw new ParameterException(
                spec.commandLine(), "Missing command: claim, run, renew, release, complete, health, enqueue or worker");
    }

    /** Expected failures become an exit code and a message; anything else is a bug and keeps picocli's report. */
    private static int handleExecutionException(Exception failure, CommandLine commandLine, ParseResult parsed)
            throws Exception {
        PrintWriter err = commandLine.getErr();
        if (failure instanceof ClaimRejectedException rejected) {
            err.println(
                    rejected.checkedLocally()
                            ? "claimctl: invalid claim, not sent to the coordinator:"
                            : "claimctl: the coordinator rejected the claim as invalid:");
            if (rejected.violations().isEmpty()) {
                err.println("  - " + rejected.getMessage());
            }
            for (FieldViolation violation : rejected.violations()) {
                err.println("  - " + violation.message());
            }
            err.flush();
            return INVALID;
        }
        if (failure instanceof JobRejectedException rejected) {
            err.println(
                    rejected.checkedLocally()
                            ? "claimctl: invalid request, not sent to the coordinator:"
                            : "claimctl: the coordinator rejected the request as invalid:");
            if (rejected.violations().isEmpty()) {
                err.println("  - " + rejected.getMessage());
            }
            for (FieldViolation violation : rejected.violations()) {
                err.println("  - " + violation.message());
            }
            err.flush();
            return INVALID;
        }
        if (failure instanceof CoordinatorUnavailableException unavailable) {
            err.println("claimctl: " + unavailable.getMessage());
            err.flush();
            return UNAVAILABLE;
        }
        throw failure;
    }

    private static int handleParameterException(ParameterException failure, String[] args) {
        CommandLine commandLine = failure.getCommandLine();
        PrintWriter err = commandLine.getErr();
        err.println("claimctl: " + failure.getMessage());
        UnmatchedArgumentException.printSuggestions(failure, err);
        err.println("Run '" + commandLine.getCommandSpec().qualifiedName() + " --help' for usage.");
        err.flush();
        return commandLine.getCommandSpec().exitCodeOnInvalidInput();
    }

    /** The version from the jar manifest; {@code dev} when run from classes. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = ClaimCtl.class.getPackage().getImplementationVersion();
            return new String[] {"claimctl " + (version == null ? "dev" : version)};
        }
    }
}
