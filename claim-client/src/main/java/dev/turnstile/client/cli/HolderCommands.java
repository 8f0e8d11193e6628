package dev.turnstile.client.cli;

import dev.turnstile.client.ClaimClient;
import dev.turnstile.client.HolderResult;
import dev.turnstile.contracts.claim.ClaimOutcome;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code claimctl renew | release | complete}: what only the holder may ask, with its fencing token. */
final class HolderCommands {

    private HolderCommands() {}

    /** The options every holder command shares. */
    abstract static class Base implements Callable<Integer> {

        @ParentCommand
        ClaimCtl parent;

        @Spec
        CommandSpec spec;

        @Mixin
        ClaimOptions claim;

        @Mixin
        CoordinatorOptions coordinator;

        @Option(
                names = "--token",
                required = true,
                paramLabel = "N",
                description = "The fencing token of your grant (printed by claim --lease).")
        long token;

        /** Sends the request and prints the answer: 0 when done, 15 when refused. */
        int send(BiFunction<ClaimClient, dev.turnstile.client.ClaimRequest, HolderResult> request) {
            var claimRequest = claim.request(parent, spec.commandLine());
            HolderResult result;
            try (ClaimClient client =
                    coordinator.client(spec.commandLine(), parent.env, claim.retry(spec.commandLine()))) {
                result = request.apply(client, claimRequest);
            }
            if (result.accepted()) {
                spec.commandLine().getOut().println(claimRequest.taskName() + " — " + result.message());
                spec.commandLine().getOut().flush();
                return ClaimCtl.OK;
            }
            spec.commandLine().getErr().println("claimctl: refused (" + result.reason() + "): " + result.message());
            spec.commandLine().getErr().flush();
            return ClaimCtl.REFUSED;
        }
    }

    @Command(
            name = "renew",
            mixinStandardHelpOptions = true,
            sortOptions = false,
            description = {
                "Renews (heartbeats) a lease this agent holds.",
                "",
                "Exits 0 when renewed, 15 when refused: another agent took over (stale_token), the lease expired"
                        + " (lease_expired), … Stop working on the task then.",
            },
            footerHeading = "%n",
            footer = ClaimCtl.FOOTER)
    static final class Renew extends Base {

        @Option(
                names = "--ttl",
                paramLabel = "DURATION",
                converter = DurationConverter.class,
                description = "New time to live from now, e.g. 30s (default: the lease's own).")
        Duration ttl;

        @Override
        public Integer call() {
            if (ttl != null) {
                RunCommand.leaseSeconds(spec.commandLine(), "--ttl", ttl);
            }
            return send((client, request) -> client.renew(request, token, ttl));
        }
    }

    @Command(
            name = "release",
            mixinStandardHelpOptions = true,
            sortOptions = false,
            description = {
                "Gives a claim back without an outcome: the next claimer wins.",
                "",
                "Exits 0 when released, 15 when refused."
            },
            footerHeading = "%n",
            footer = ClaimCtl.FOOTER)
    static final class Release extends Base {

        @Override
        public Integer call() {
            return send((client, request) -> client.release(request, token));
        }
    }

    @Command(
            name = "complete",
            mixinStandardHelpOptions = true,
            sortOptions = false,
            description = {
                "Reports how the task of a claim this agent holds ended; agents waiting for the winner"
                        + " (run --wait) learn it.",
                "",
                "Exits 0 when recorded, 15 when refused."
            },
            footerHeading = "%n",
            footer = ClaimCtl.FOOTER)
    static final class Complete extends Base {

        @Option(names = "--outcome", required = true, paramLabel = "OUTCOME", description = "succeeded or failed.")
        String outcome;

        @Override
        public Integer call() {
            var parsed = ClaimOutcome.fromWireName(outcome)
                    .orElseThrow(() -> new ParameterException(
                            spec.commandLine(), "--outcome must be succeeded or failed; got '" + outcome + "'"));
            return send((client, request) -> client.complete(request, token, parsed));
        }
    }
}
