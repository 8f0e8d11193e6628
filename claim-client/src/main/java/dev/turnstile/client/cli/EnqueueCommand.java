package dev.turnstile.client.cli;

import dev.turnstile.client.RetrySettings;
import dev.turnstile.client.jobs.EnqueuedJob;
import dev.turnstile.client.jobs.JobClient;
import dev.turnstile.client.jobs.NewJob;
import dev.turnstile.contracts.job.Backoff;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code claimctl enqueue}: adds a job to a work queue. */
@Command(
        name = "enqueue",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Adds a job to a work queue.",
            "",
            "Prints the job's id (<queue>:<jobId>) and state. Enqueueing a job id the queue already holds, or a"
                    + " dedup key of an unfinished job, adds nothing and prints the existing job; both exit 0.",
            "  claimctl enqueue --queue emails --name send-welcome --payload '{\"to\":\"ada@example.com\"}'",
            "  claimctl enqueue --queue builds --name e2e --payload @job.json --priority 10 --max-attempts 5 \\",
            "      --backoff exponential:10s,5m --lease 2m --dedup-key hire:e2e:3f9c2ab",
        },
        footerHeading = "%n",
        footer = ClaimCtl.FOOTER)
final class EnqueueCommand implements Callable<Integer> {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @ParentCommand
    ClaimCtl parent;

    @Spec
    CommandSpec spec;

    @Mixin
    CoordinatorOptions coordinator;

    @Option(
            names = "--queue",
            required = true,
            paramLabel = "QUEUE",
            description = "The queue, named like a project (e.g. emails).")
    String queue;

    @Option(
            names = "--name",
            required = true,
            paramLabel = "NAME",
            description = "What the job does, 1 to 200 printable characters (e.g. send-welcome).")
    String name;

    @Option(
            names = "--payload",
            paramLabel = "JSON|@FILE",
            description = "The job's input: JSON, @FILE to read it from a file, or @- from standard input (at most"
                    + " 64 KiB).")
    String payload;

    @Option(
            names = "--job-id",
            paramLabel = "ID",
            description = "The job's id in its queue (default: made from the request id). Enqueueing the same id"
                    + " again answers the existing job.")
    String jobId;

    @Option(names = "--priority", paramLabel = "N", description = "Higher runs first, -1000000 to 1000000 (default 0).")
    Integer priority;

    @Option(
            names = "--delay",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "Run no sooner than this from now, e.g. 30s, 10m.")
    Duration delay;

    @Option(
            names = "--run-at",
            paramLabel = "INSTANT",
            description = "Run no sooner than this ISO-8601 instant, e.g. 2026-11-23T10:30:00Z (not with --delay).")
    String runAt;

    @Option(names = "--max-attempts", paramLabel = "N", description = "Attempts in all, 1 to 100 (default 3).")
    Integer maxAttempts;

    @Option(
            names = "--backoff",
            paramLabel = "fixed:BASE|exponential:BASE[,CAP]",
            description = "The wait after a failed attempt: fixed:30s always 30 s; exponential:5s,10m doubling from"
                    + " 5 s up to 10 min (default exponential:5s,10m).")
    String backoff;

    @Option(
            names = "--lease",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "How long a worker holds the job between heartbeats, 1s to 1h (default 30s).")
    Duration lease;

    @Option(
            names = "--dedup-key",
            paramLabel = "KEY",
            description = "While an unfinished job has this key, enqueueing another answers that one (e.g."
                    + " hire:e2e:3f9c2ab).")
    String dedupKey;

    @Option(
            names = "--request-id",
            paramLabel = "ID",
            description = "Idempotency key sent on every attempt (default: a new UUID).")
    String requestId;

    @Option(names = "--json", description = "Print the answer as one line of JSON instead of a sentence.")
    boolean json;

    @Option(
            names = "--retries",
            paramLabel = "N",
            defaultValue = "3",
            description = "Retries while the coordinator is unreachable or busy, with the same request id (default:"
                    + " ${DEFAULT-VALUE}).")
    int retries;

    /** Standard input, for {@code --payload @-}. */
    Supplier<InputStream> stdin = () -> System.in;

    @Override
    public Integer call() {
        var job = NewJob.named(name)
                .payload(payload == null ? null : readPayload(spec.commandLine()))
                .jobId(jobId)
                .dedupKey(dedupKey)
                .requestId(requestId);
        if (priority != null) {
            job = job.priority(priority);
        }
        if (delay != null) {
            job = job.delay(delay);
        }
        if (runAt != null) {
            try {
                job = job.runAt(Instant.parse(runAt));
            } catch (DateTimeParseException e) {
                throw new ParameterException(
                        spec.commandLine(),
                        "--run-at must be an ISO-8601 instant such as" + " 2026-11-23T10:30:00Z; got '" + runAt + "'");
            }
        }
        if (maxAttempts != null) {
            job = job.maxAttempts(maxAttempts);
        }
        if (backoff != null) {
            job = job.backoff(backoff(spec.commandLine(), backoff));
        }
        if (lease != null) {
            job = job.lease(lease);
        }
        if (retries < 0) {
            throw new ParameterException(spec.commandLine(), "--retries must be 0 or more; got " + retries);
        }
        EnqueuedJob answer;
        try (JobClient client = coordinator.jobClient(
                spec.commandLine(), parent.env, RetrySettings.DEFAULTS.withMaxAttempts(retries + 1))) {
            answer = client.enqueue(queue, job);
        }
        var out = spec.commandLine().getOut();
        if (json) {
            var fields = new LinkedHashMap<String, Object>();
            fields.put("created", answer.created());
            fields.put("id", answer.id());
            fields.put("queue", answer.queue());
            fields.put("jobId", answer.jobId());
            fields.put("state", answer.state() == null ? null : answer.state().wireName());
            fields.put("matchedBy", answer.matchedBy());
            fields.put("runAt", answer.runAt() == null ? null : answer.runAt().toString());
            fields.put("requestId", answer.requestId());
            fields.put("message", answer.message());
            out.println(JSON.writeValueAsString(fields));
        } else if (answer.created()) {
            out.println(answer.id() + " — enqueued (" + state(answer) + ")");
        } else {
            out.println(answer.id() + " — already in the queue (" + state(answer) + ", same "
                    + ("dedup_key".equals(answer.matchedBy()) ? "dedup key" : "job id") + "): nothing added");
        }
        out.flush();
        return ClaimCtl.OK;
    }

    private static String state(EnqueuedJob answer) {
        var state = answer.state() == null ? "?" : answer.state().wireName();
        return answer.runAt() != null && "delayed".equals(state) ? state + " until " + answer.runAt() : state;
    }

    private JsonNode readPayload(CommandLine commandLine) {
        String text;
        if (payload.startsWith("@")) {
            var source = payload.substring(1);
            try (InputStream in = source.equals("-") ? stdin.get() : Files.newInputStream(Path.of(source))) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new ParameterException(commandLine, "Cannot read --payload " + payload + ": " + e);
            }
        } else {
            text = payload;
        }
        try {
            return JSON.readTree(text);
        } catch (JacksonException e) {
            throw new ParameterException(
                    commandLine,
                    "--payload must be JSON (quote it for the shell, e.g."
                            + " --payload '{\"to\":\"ada@example.com\"}', or give @FILE): " + e.getOriginalMessage());
        }
    }

    /** {@code fixed:30s}, {@code exponential:5s,10m} or {@code exponential:5s} (capped at 10 minutes). */
    static Backoff backoff(CommandLine commandLine, String value) {
        var durations = new DurationConverter();
        int colon = value.indexOf(':');
        var kind = colon < 0 ? value : value.substring(0, colon);
        var times = colon < 0 ? new String[0] : value.substring(colon + 1).split(",", -1);
        try {
            return switch (kind) {
                case "fixed" -> {
                    if (times.length != 1) {
                        throw new IllegalArgumentException("fixed takes one wait, e.g. fixed:30s");
                    }
                    yield Backoff.fixed(seconds(durations.convert(times[0])));
                }
                case "exponential" -> {
                    if (times.length < 1 || times.length > 2) {
                        throw new IllegalArgumentException(
                                "exponential takes a first wait and an optional cap, e.g." + " exponential:5s,10m");
                    }
                    yield Backoff.exponential(
                            seconds(durations.convert(times[0])),
                            times.length == 2 ? seconds(durations.convert(times[1])) : 0);
                }
                default -> throw new IllegalArgumentException("the kind must be fixed or exponential");
            };
        } catch (IllegalArgumentException | CommandLine.TypeConversionException e) {
            throw new ParameterException(
                    commandLine,
                    "Invalid --backoff '" + value + "': " + e.getMessage()
                            + " (use fixed:BASE or exponential:BASE[,CAP], e.g. exponential:5s,10m)");
        }
    }

    private static long seconds(Duration duration) {
        if (duration.toMillis() % 1000 != 0) {
            throw new IllegalArgumentException("waits are whole seconds; got " + duration);
        }
        return duration.toSeconds();
    }
}
