package dev.turnstile.client.cli;

import dev.turnstile.client.ClaimClient;
import dev.turnstile.client.HealthReport;
import dev.turnstile.client.RetrySettings;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code claimctl health}: asks the coordinator how it is, once. */
@Command(
        name = "health",
        mixinStandardHelpOptions = true,
        description = {
            "Checks that the coordinator is healthy.",
            "",
            "Asks once; exits 0 when it is healthy, 1 when it says it is not, 4 when it cannot be reached.",
        },
        footerHeading = "%n",
        footer = ClaimCtl.FOOTER)
final class HealthCommand implements Callable<Integer> {

    @ParentCommand
    ClaimCtl parent;

    @Spec
    CommandSpec spec;

    @Mixin
    CoordinatorOptions coordinator;

    @Override
    public Integer call() {
        HealthReport report;
        String url;
        try (ClaimClient client =
                coordinator.client(spec.commandLine(), parent.env, RetrySettings.DEFAULTS.withMaxAttempts(1))) {
            url = client.coordinatorUrl().toString();
            report = client.health();
        }
        PrintWriter out = spec.commandLine().getOut();
        if (report.healthy()) {
            out.println("healthy: coordinator at " + url
                    + (report.timestamp() == null ? "" : " (checked at " + report.timestamp() + ")"));
        } else {
            out.println("unhealthy: coordinator at " + url + " reports: " + report.error());
        }
        out.flush();
        return report.healthy() ? ClaimCtl.OK : ClaimCtl.UNHEALTHY;
    }
}
