package dev.turnstile.client.cli;

import dev.turnstile.client.ClaimClient;
import dev.turnstile.client.ClaimRequest;
import dev.turnstile.client.ClaimResult;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code claimctl claim}: asks for the task and prints the decision. */
@Command(
        name = "claim",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Claims a task for this agent and prints the decision.",
            "",
            "Prints one line: proceeding, or skipping because another agent claimed project:task:sha first. Exits 0"
                    + " either way, so that the pipeline carries on, unless --exit-code is given:",
            "  if claimctl claim --exit-code --project hire --task convex-deploy --sha \"$SHA\"",
            "  then deploy; fi",
        },
        footerHeading = "%n",
        footer = ClaimCtl.FOOTER)
final class ClaimCommand implements Callable<Integer> {

    @ParentCommand
    ClaimCtl parent;

    @Spec
    CommandSpec spec;

    @Mixin
    ClaimOptions claim;

    @Mixin
    CoordinatorOptions coordinator;

    @Option(
            names = "--json",
            description = "Print the decision as one JSON line with the fields proceed, taskKey, requestId,"
                    + " claimedBy, claimedAt, message, mode, fencingToken, expiresAt and outcome.")
    boolean json;

    @Option(names = "--exit-code", description = "Exit 10 instead of 0 when skipping a task another agent claimed.")
    boolean exitCode;

    @Option(
            names = "--lease",
            paramLabel = "TTL",
            converter = DurationConverter.class,
            description = "Claim a lease of TTL (1s to 1h, e.g. 30s) instead of a claim that never expires; renew it"
                    + " with claimctl renew --token N before it runs out.")
    java.time.Duration lease;

    @Option(
            names = "--takeover-after-failure",
            description = "Let another agent claim the task if this agent reports that it failed.")
    boolean takeoverAfterFailure;

    @Override
    public Integer call() {
        ClaimRequest request = claim.request(parent, spec.commandLine());
        ClaimResult result;
        try (ClaimClient client = coordinator.client(spec.commandLine(), parent.env, claim.retry(spec.commandLine()))) {
            var policy = (lease == null
                            ? dev.turnstile.contracts.claim.ClaimPolicy.ONCE
                            : dev.turnstile.contracts.claim.ClaimPolicy.lease(
                                    RunCommand.leaseSeconds(spec.commandLine(), "--lease", lease)))
                    .withTakeoverAfterFailure(takeoverAfterFailure);
            result = client.claim(request, policy);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(json ? Decisions.json(result) : Decisions.line(request, result));
        out.flush();
        return result.proceed() || !exitCode ? ClaimCtl.OK : ClaimCtl.SKIPPED;
    }
}
