package dev.turnstile.client.cli;

import dev.turnstile.client.ClaimClient;
import dev.turnstile.client.ClaimRequest;
import dev.turnstile.client.ClaimResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
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
                    + " input, output and error, and exits with its exit code. When another agent already claimed"
                    + " the task, prints so on standard error and exits 0 without running it.",
            "  claimctl run --project hire --task convex-deploy --sha \"$SHA\" -- npx convex deploy",
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

    @Parameters(
            arity = "1..*",
            paramLabel = "COMMAND",
            description = "The command to run when granted, and its arguments (after --, or after the options).")
    List<String> command;

    @Override
    public Integer call() {
        ClaimRequest request = claim.request(parent.env);
        ClaimResult result;
        try (ClaimClient client = coordinator.client(spec.commandLine(), parent.env, claim.retry(spec.commandLine()))) {
            result = client.claim(request);
        }
        // Standard output belongs to the command; the decision goes to standard error.
        PrintWriter err = spec.commandLine().getErr();
        err.println(Decisions.line(request, result));
        err.flush();
        return result.proceed() ? runCommand(request, err) : ClaimCtl.OK;
    }

    private int runCommand(ClaimRequest request, PrintWriter err) {
        Process process;
        try {
            process = new ProcessBuilder(command).inheritIO().start();
        } catch (IOException e) {
            err.println("claimctl: could not start " + command.getFirst() + ": " + e.getMessage() + ". This agent holds"
                    + " the claim on " + request.taskKey() + ", so no other agent will run it for this commit.");
            err.flush();
            return ClaimCtl.CANNOT_START;
        }
        try {
            return process.waitFor();
        } catch (InterruptedException e) {
            process.destroy();
            Thread.currentThread().interrupt();
            err.println("claimctl: interrupted; stopped " + command.getFirst() + ".");
            err.flush();
            return 128 + 2;
        }
    }
}
