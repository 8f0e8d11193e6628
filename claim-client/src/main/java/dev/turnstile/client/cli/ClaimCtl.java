package dev.turnstile.client.cli;

import dev.turnstile.client.ClaimRejectedException;
import dev.turnstile.client.CoordinatorUnavailableException;
import dev.turnstile.contracts.claim.FieldViolation;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
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
                    + " project:task:sha proceeds; every other agent skips it and exits 0, so Nx carries on.",
        },
        subcommands = {
            ClaimCommand.class,
            RunCommand.class,
            HolderCommands.Renew.class,
            HolderCommands.Release.class,
            HolderCommands.Complete.class,
            HealthCommand.class
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

    /** {@code run}: the command was granted but could not be started (as shells report "command not found"). */
    public static final int CANNOT_START = 127;

    static final String FOOTER = """
            Exit codes:
              0    proceeding; or skipping a duplicate (without --exit-code);
                   or healthy
              1    health: the coordinator is unhealthy; or an unexpected error
              2    usage error, e.g. an unknown option or no coordinator URL
              3    invalid claim, checked locally or rejected by the
                   coordinator: nothing ran
              4    coordinator unreachable or unavailable after all retries:
                   check NX_COORDINATOR_URL and that the coordinator is
                   running (claimctl health)
              10   claim --exit-code: skipping, another agent claimed the task
              11   run --wait: the winner reported that the task failed
              12   run --wait: the winner's lease expired, or it released the
                   task, without an outcome
              13   run --wait: no outcome before --wait-timeout
              14   run --lease: this agent lost its lease (another agent took
                   over); the command was stopped
              15   renew, release, complete: refused (stale token, expired, ...)
              run  the command's own exit code when granted; 127 when it
                   cannot be started

            Environment:
              NX_COORDINATOR_URL  coordinator URL when --url is not given,
                                  e.g. http://turnstile:8080
              NX_CLOUD_AGENT_ID   agent id when --agent is not given
                                  (else hostname-pid)
            """;

    final Map<String, String> env;

    @Spec
    CommandSpec spec;

    ClaimCtl(Map<String, String> env) {
        this.env = Map.copyOf(env);
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
        CommandLine commandLine = new CommandLine(new ClaimCtl(env));
        commandLine.setExecutionExceptionHandler(ClaimCtl::handleExecutionException);
        commandLine.setParameterExceptionHandler(ClaimCtl::handleParameterException);
        // Everything after the command name belongs to the command: `run ... sh -c 'exit 7'` needs no `--`.
        commandLine.getSubcommands().get("run").setStopAtPositional(true);
        return commandLine;
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command: claim, run, renew, release, complete or health");
    }

    /** Expected failures become an exit code and a message; anything else is a bug and keeps picocli's report. */
    private static int handleExecutionException(Exception failure, CommandLine commandLine, ParseResult parsed)
            throws Exception {
        PrintWriter err = commandLine.getErr();
        if (failure instanceof ClaimRejectedException rejected) {
            err.println(rejected.checkedLocally()
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
