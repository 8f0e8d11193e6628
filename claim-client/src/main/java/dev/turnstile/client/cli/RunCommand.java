package dev.turnstile.client.cli;

import dev.turnstile.client.ClaimClient;
import dev.turnstile.client.ClaimRequest;
import dev.turnstile.client.ClaimResult;
import dev.turnstile.client.CoordinatorUnavailableException;
import dev.turnstile.client.Lease;
import dev.turnstile.contracts.claim.ClaimOutcome;
import dev.turnstile.contracts.claim.ClaimPolicy;
import dev.turnstile.contracts.claim.ClaimRules;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code claimctl run}: runs a command only on the agent that wins the claim. */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Runs a command only if this agent wins the claim.",
            "",
            "Claims project:task:sha and, when this agent is the first, runs COMMAND with this process's standard"
                    + " input, output and error, reports its outcome (succeeded when it exits 0, else failed) and"
                    + " exits with its exit code. When another agent already claimed the task, prints so on"
                    + " standard error and exits 0 without running it; with --wait, waits for that agent's outcome"
                    + " and exits 0 only if it succeeded.",
            "With --lease, the claim is a lease renewed in the background while COMMAND runs: if this agent dies,"
                    + " the next agent takes over after the TTL. If the lease is lost (another agent took over),"
                    + " COMMAND is stopped and claimctl exits 14.",
            "  claimctl run --project hire --task convex-deploy --sha \"$SHA\" -- npx convex deploy",
            "  claimctl run --lease 30s --wait --project hire --task e2e --sha \"$SHA\" -- npm run e2e",
        },
        footerHeading = "%n",
        footer = ClaimCtl.FOOTER)
final class RunCommand implements Callable<Integer> {

    @ParentCommand
    ClaimCtl parent;

    @Spec
    CommandSpec spec;

    @Mixin
    ClaimOptions claim;

    @Mixin
    CoordinatorOptions coordinator;

    @Option(
            names = "--lease",
            paramLabel = "TTL",
            converter = DurationConverter.class,
            description = "Claim a lease of TTL (1s to 1h, e.g. 30s), renewed every TTL/3 while COMMAND runs and"
                    + " released or completed at the end.")
    Duration lease;

    @Option(
            names = "--takeover-after-failure",
            description = "Let another agent claim the task if COMMAND fails (default: a failed task stays claimed).")
    boolean takeoverAfterFailure;

    @Option(
            names = "--wait",
            description = "When another agent holds the task, wait for its outcome: exit 0 if it succeeded, 11 if it"
                    + " failed, 12 if its lease expired or it released the task, 13 if the wait timed out.")
    boolean waitForWinner;

    @Option(
            names = "--wait-timeout",
            paramLabel = "DURATION",
            defaultValue = "10m",
            converter = DurationConverter.class,
            description = "Longest --wait (default: ${DEFAULT-VALUE}).")
    Duration waitTimeout;

    @Parameters(
            arity = "1..*",
            paramLabel = "COMMAND",
            description = "The command to run when granted, and its arguments (after --, or after the options).")
    List<String> command;

    @Override
    public Integer call() {
        ClaimRequest request = claim.request(parent, spec.commandLine());
        var policy = (lease == null
                        ? ClaimPolicy.ONCE
                        : ClaimPolicy.lease(leaseSeconds(spec.commandLine(), "--lease", lease)))
                .withTakeoverAfterFailure(takeoverAfterFailure);
        // Standard output belongs to the command; the decision goes to standard error.
        PrintWriter err = spec.commandLine().getErr();
        try (ClaimClient client = coordinator.client(spec.commandLine(), parent.env, claim.retry(spec.commandLine()))) {
            ClaimResult result = client.claim(request, policy);
            say(err, Decisions.line(request, result));
            if (!result.proceed()) {
                return waitForWinner ? awaitWinner(client, result, err) : ClaimCtl.OK;
            }
            return runHolding(client.lease(request, result), request, err);
        }
    }

    /** Runs the command while holding the claim (renewing a lease), then reports its outcome. */
    private int runHolding(Lease held, ClaimRequest request, PrintWriter err) {
        var running = new AtomicReference<Process>();
        held.keepAlive(reason -> {
            say(
                    err,
                    "claimctl: lost the lease on " + request.taskKey() + " (fencing token " + held.fencingToken()
                            + "): " + reason + ". Stopping " + command.getFirst() + ".");
            var process = running.get();
            if (process != null) {
                process.destroy();
            }
        });
        Process process;
        try {
            process = new ProcessBuilder(command).inheritIO().start();
        } catch (IOException e) {
            say(
                    err,
                    "claimctl: could not start " + command.getFirst() + ": " + e.getMessage() + ". Releasing the"
                            + " claim on " + request.taskKey() + " so that another agent may run it.");
            releaseQuietly(held, err);
            return ClaimCtl.CANNOT_START;
        }
        running.set(process);
        if (held.isLost()) {
            process.destroy();
        }
        int exitCode;
        try {
            exitCode = process.waitFor();
        } catch (InterruptedException e) {
            process.destroy();
            say(err, "claimctl: interrupted; stopped " + command.getFirst() + ".");
            // It may have run in part: report a failure (the interrupt is restored after the report is sent).
            report(held, ClaimOutcome.FAILED, err);
            Thread.currentThread().interrupt();
            return 128 + 2;
        }
        if (held.isLost()) {
            return ClaimCtl.LEASE_LOST;
        }
        report(held, exitCode == 0 ? ClaimOutcome.SUCCEEDED : ClaimOutcome.FAILED, err);
        return exitCode;
    }

    private void report(Lease held, ClaimOutcome outcome, PrintWriter err) {
        try {
            var answer = held.complete(outcome);
            if (!answer.accepted()) {
                say(err, "claimctl: the outcome was not recorded (" + answer.reason() + "): " + answer.message());
            }
        } catch (CoordinatorUnavailableException e) {
            say(
                    err,
                    "claimctl: could not report the outcome (" + outcome.wireName() + "): " + e.getMessage()
                            + " Agents waiting for it time out.");
        }
    }

    private static void releaseQuietly(Lease held, PrintWriter err) {
        try {
            held.release();
        } catch (CoordinatorUnavailableException e) {
            say(err, "claimctl: could not release the claim: " + e.getMessage());
        }
    }

    /** Waits for the winner's outcome: 0 if it succeeded, else a distinct exit code. */
    private int awaitWinner(ClaimClient client, ClaimResult denied, PrintWriter err) {
        String status;
        String message;
        if (denied.outcome() != null) {
            status = denied.outcome();
            message = denied.message();
        } else {
            say(
                    err,
                    "claimctl: waiting up to " + waitTimeout + " for " + denied.claimedBy() + " to finish "
                            + denied.taskKey());
            var outcome = client.awaitOutcome(denied.taskKey(), waitTimeout);
            status = outcome.status();
            message = outcome.message();
        }
        say(
                err,
                "claimctl: winner's outcome: " + status
                        + (message == null || message.isEmpty() ? "" : " — " + message));
        return switch (status) {
            case "succeeded" -> ClaimCtl.OK;
            case "failed" -> ClaimCtl.WINNER_FAILED;
            case "expired", "released" -> ClaimCtl.WINNER_GONE;
            default -> ClaimCtl.WAIT_TIMEOUT;
        };
    }

    /** A lease TTL in whole seconds within the coordinator's bounds; a usage error otherwise. */
    static int leaseSeconds(CommandLine commandLine, String option, Duration ttl) {
        long seconds = ttl.toSeconds();
        if (ttl.toMillis() % 1000 != 0
                || seconds < ClaimRules.TTL_MIN_SECONDS
                || seconds > ClaimRules.TTL_MAX_SECONDS) {
            throw new ParameterException(
                    commandLine,
                    option + " must be whole seconds from " + ClaimRules.TTL_MIN_SECONDS + "s to "
                            + ClaimRules.TTL_MAX_SECONDS + "s; got " + ttl);
        }
        return Math.toIntExact(seconds);
    }

    private static void say(PrintWriter err, String line) {
        err.println(line);
        err.flush();
    }
}
