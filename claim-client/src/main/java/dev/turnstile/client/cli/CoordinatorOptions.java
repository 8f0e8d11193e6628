package dev.turnstile.client.cli;

import dev.turnstile.client.ClaimClient;
import dev.turnstile.client.RetrySettings;
import dev.turnstile.client.jobs.JobClient;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.function.UnaryOperator;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** Where the coordinator is and how long to wait for it; shared by every command. */
final class CoordinatorOptions {

    static final String URL_ENV_VAR = "TURNSTILE_URL";

    /** The name the URL had when claimctl served Nx alone; read when {@link #URL_ENV_VAR} is unset. */
    static final String NX_URL_ENV_VAR = "NX_COORDINATOR_URL";

    static final String TOKEN_ENV_VAR = "TURNSTILE_TOKEN";

    @Option(
            names = "--agent-token",
            paramLabel = "TOKEN",
            description = "Agent token for a coordinator that requires one (default: $TURNSTILE_TOKEN). Prefer the"
                    + " environment variable: a command line is visible to other users of the machine.")
    String token;

    @Option(
            names = "--url",
            paramLabel = "URL",
            description = "Coordinator base URL, e.g. http://turnstile:8080 (default: $TURNSTILE_URL, else"
                    + " $NX_COORDINATOR_URL).")
    String url;

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            defaultValue = "10s",
            converter = DurationConverter.class,
            description = "Time allowed for each attempt, e.g. 10s, 500ms, 1m (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    /** A client for the coordinator named by {@code --url} or the environment; a usage error when neither does. */
    ClaimClient client(CommandLine commandLine, UnaryOperator<String> env, RetrySettings retry) {
        var target = target(commandLine, env);
        try {
            return ClaimClient.builder(target.url())
                    .token(target.token())
                    .attemptTimeout(timeout)
                    .retry(retry)
                    .logger(line -> say(commandLine, line))
                    .build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(commandLine, "Invalid " + target.source() + ": " + e.getMessage());
        }
    }

    /** A work-queue client for the same coordinator, with the same token and timeout. */
    JobClient jobClient(CommandLine commandLine, UnaryOperator<String> env, RetrySettings retry) {
        var target = target(commandLine, env);
        try {
            return JobClient.builder(target.url())
                    .token(target.token())
                    .attemptTimeout(timeout)
                    .retry(retry)
                    .logger(line -> say(commandLine, line))
                    .build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(commandLine, "Invalid " + target.source() + ": " + e.getMessage());
        }
    }

    /** Where the coordinator is, where that came from, and the agent token, if any. */
    private record Target(URI url, String source, String token) {}

    private Target target(CommandLine commandLine, UnaryOperator<String> env) {
        String value = url;
        String source = "--url";
        for (String variable : new String[] {URL_ENV_VAR, NX_URL_ENV_VAR}) {
            if (value == null || value.isBlank()) {
                value = env.apply(variable);
                source = variable;
            }
        }
        if (value == null || value.isBlank()) {
            throw new ParameterException(
                    commandLine,
                    "No coordinator URL: pass --url or set " + URL_ENV_VAR + " (e.g. http://turnstile:8080)");
        }
        URI parsed;
        try {
            parsed = new URI(value.strip());
        } catch (URISyntaxException e) {
            throw new ParameterException(commandLine, "Invalid " + source + ": " + e.getMessage());
        }
        String agentToken = token != null ? token : env.apply(TOKEN_ENV_VAR);
        return new Target(parsed, source, agentToken == null || agentToken.isBlank() ? null : agentToken.strip());
    }

    private static void say(CommandLine commandLine, String line) {
        commandLine.getErr().println("claimctl: " + line);
        commandLine.getErr().flush();
    }
}
