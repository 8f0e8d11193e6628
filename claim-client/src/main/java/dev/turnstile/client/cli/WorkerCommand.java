package dev.turnstile.client.cli;

import dev.turnstile.client.AgentId;
import dev.turnstile.client.RetrySettings;
import dev.turnstile.client.jobs.Job;
import dev.turnstile.client.jobs.JobClient;
import dev.turnstile.client.jobs.JobContext;
import dev.turnstile.client.jobs.JobFailure;
import dev.turnstile.client.jobs.Worker;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/** {@code claimctl worker}: runs a command for each job of a work queue. */
@Command(
        name = "worker",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Runs COMMAND for each job of a work queue, --concurrency at a time, until stopped.",
            "",
            "For each job it claims, claimctl starts COMMAND with the job's payload (JSON) on standard input and in"
                    + " TURNSTILE_JOB_PAYLOAD, and the variables below; heartbeats every third of the job's lease while"
                    + " COMMAND runs; sends COMMAND's output lines to the job's log (and echoes them, prefixed with the"
                    + " job's id); and reports the job by COMMAND's exit code: 0 succeeded; one of"
                    + " --permanent-exit-codes (100) failed for good (dead, not retried); any other failed, retried"
                    + " after its backoff while attempts remain.",
            "When the job is cancelled or its lease is lost (another worker took it, the lease ran out),"
                    + " COMMAND gets SIGTERM, then SIGKILL after --kill-grace, and nothing is reported for it.",
            "SIGTERM or SIGINT (Ctrl-C) to claimctl: it takes no more jobs and waits up to --shutdown-grace for"
                    + " the running ones, then stops the rest as above and fails them as retryable; exits 0 when all"
                    + " finished in time, else 16. A second signal stops them at once.",
            "",
            "COMMAND's environment adds:",
            "  TURNSTILE_QUEUE, TURNSTILE_JOB_ID, TURNSTILE_JOB_NAME,",
            "  TURNSTILE_JOB_REF (<queue>:<jobId>), TURNSTILE_JOB_ATTEMPT,",
            "  TURNSTILE_JOB_MAX_ATTEMPTS, TURNSTILE_JOB_PAYLOAD (JSON),",
            "  TURNSTILE_FENCING_TOKEN (hand it to what the job writes to),",
            "  TURNSTILE_WORKER_ID, TURNSTILE_LEASE_SECONDS,",
            "  TURNSTILE_RESULT_FILE (JSON written there becomes the job's result).",
            "A line '::progress N [message]' on COMMAND's standard output sets the job's progress (0-100) instead of"
                    + " being logged.",
            "",
            "  claimctl worker --queue emails --concurrency 5 -- ./send-email.sh",
            "  claimctl worker --queue builds -- sh -c 'jq -r .target | xargs make'",
            "",
        },
        footerHeading = "%n",
        footer = ClaimCtl.FOOTER)
final class WorkerCommand implements Callable<Integer> {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final Pattern PROGRESS = Pattern.compile("::progress (\\d{1,3})(?: (.*))?");

    /** How many of COMMAND's last standard error lines a failure's message quotes. */
    private static final int STDERR_TAIL_LINES = 5;

    /** After COMMAND exited: how long to wait for the rest of its output (a child may still hold the pipes). */
    private static final Duration OUTPUT_DRAIN = Duration.ofSeconds(2);

    @ParentCommand
    ClaimCtl parent;

    @Spec
    CommandSpec spec;

    @Mixin
    CoordinatorOptions coordinator;

    @Option(names = "--queue", required = true, paramLabel = "QUEUE", description = "The queue to take jobs from.")
    String queue;

    @Option(
            names = "--concurrency",
            paramLabel = "N",
            defaultValue = "1",
            description = "Jobs run at once, 1 to 1000 (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(
            names = "--worker-id",
            paramLabel = "ID",
            description = "Who claims (default: $NX_CLOUD_AGENT_ID, else the CI job and runner, else hostname-pid).")
    String workerId;

    @Option(
            names = "--poll-wait",
            paramLabel = "DURATION",
            defaultValue = "20s",
            converter = DurationConverter.class,
            description = "How long one claim-next waits for a job, 0s to 30s (default: ${DEFAULT-VALUE}).")
    Duration pollWait;

    @Option(
            names = "--shutdown-grace",
            paramLabel = "DURATION",
            defaultValue = "30s",
            converter = DurationConverter.class,
            description = "On SIGTERM/SIGINT, how long running jobs may finish before they are stopped and failed as"
                    + " retryable (default: ${DEFAULT-VALUE}).")
    Duration shutdownGrace;

    @Option(
            names = "--kill-grace",
            paramLabel = "DURATION",
            defaultValue = "10s",
            converter = DurationConverter.class,
            description = "How long a stopped COMMAND has between SIGTERM and SIGKILL (default: ${DEFAULT-VALUE}).")
    Duration killGrace;

    @Option(
            names = "--permanent-exit-codes",
            paramLabel = "CODES",
            split = ",",
            defaultValue = "100",
            description = "Exit codes of COMMAND that fail the job for good: dead at once, not retried (default:"
                    + " ${DEFAULT-VALUE}).")
    Set<Integer> permanentExitCodes;

    @Option(
            names = "--max-jobs",
            paramLabel = "N",
            defaultValue = "0",
            description = "Take at most N jobs, then exit 0 once they are done (default: no limit).")
    long maxJobs;

    @Option(
            names = "--retries",
            paramLabel = "N",
            defaultValue = "3",
            description = "Retries of each request while the coordinator is unreachable or busy, with the same"
                    + " request id (default: ${DEFAULT-VALUE}); claim-next is then asked again until answered.")
    int retries;

    @Parameters(
            arity = "1..*",
            paramLabel = "COMMAND",
            description = "The command to run for each job, and its arguments (after --, or after the options).")
    List<String> command;

    /** Hands claimctl's stop signals (SIGTERM, SIGINT) to a handler; tests give their own. */
    Consumer<Runnable> stopSignals = WorkerCommand::onStopSignals;

    @Override
    public Integer call() throws InterruptedException {
        if (retries < 0) {
            throw new ParameterException(spec.commandLine(), "--retries must be 0 or more; got " + retries);
        }
        var id = workerId != null
                ? workerId
                : AgentId.fromEnvironment(parent.env, ProcessHandle.current().pid());
        var err = spec.commandLine().getErr();
        try (JobClient client = coordinator.jobClient(
                spec.commandLine(), parent.env, RetrySettings.DEFAULTS.withMaxAttempts(retries + 1))) {
            Worker worker;
            try {
                worker = Worker.builder(client, queue, this::runJob)
                        .workerId(id)
                        .concurrency(concurrency)
                        .pollWait(pollWait)
                        .shutdownGrace(shutdownGrace)
                        .maxJobs(maxJobs)
                        .logger(line -> say(err, "claimctl: " + line))
                        .build();
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            var signals = new AtomicInteger();
            var drained = new AtomicReference<Boolean>();
            var drainer = new AtomicReference<Thread>();
            stopSignals.accept(() -> {
                int signal = signals.incrementAndGet();
                if (signal == 1) {
                    say(
                            err,
                            "claimctl: stopping: no more jobs; waiting up to " + shutdownGrace.toSeconds()
                                    + " s for the running ones (signal again to stop them now)");
                    drainer.set(Thread.ofPlatform().name("claimctl-drain").start(() -> {
                        try {
                            drained.set(worker.shutdown(shutdownGrace));
                        } catch (InterruptedException e) {
                            drained.set(false);
                        }
                    }));
                } else if (signal == 2) {
                    say(err, "claimctl: stopping the running jobs now");
                    Thread.ofPlatform().name("claimctl-stop").start(() -> {
                        try {
                            worker.shutdown(Duration.ZERO);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    });
                }
            });
            worker.start();
            worker.awaitTermination();
            var draining = drainer.get();
            if (draining != null) {
                draining.join();
            } else {
                worker.close();
            }
            return drained.get() == null || drained.get() ? ClaimCtl.OK : ClaimCtl.DRAIN_INCOMPLETE;
        }
    }

    /** One job: COMMAND with the job's payload and variables; its exit code decides the report. */
    private Object runJob(Job job, JobContext context) throws Exception {
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        var resultFile = Files.createTempFile("turnstile-result-", ".json");
        try {
            var builder = new ProcessBuilder(command);
            builder.environment().putAll(variables(job, resultFile));
            Process process;
            try {
                process = builder.start();
            } catch (IOException e) {
                throw JobFailure.retryable(
                        "could not start " + command.getFirst() + " on " + job.workerId() + ": " + e.getMessage());
            }
            say(
                    err,
                    "claimctl: " + job.id() + " (attempt " + job.attempt() + " of " + job.maxAttempts() + "): started "
                            + command.getFirst() + " (pid " + process.pid() + ")");
            var stderrTail = new ArrayDeque<String>();
            var readers = List.of(
                    Thread.ofVirtual().start(() -> writePayload(process, job)),
                    Thread.ofVirtual()
                            .start(() -> readLines(process.getInputStream(), line -> {
                                var progress = PROGRESS.matcher(line);
                                if (progress.matches()) {
                                    context.progress(Integer.parseInt(progress.group(1)), progress.group(2));
                                } else {
                                    context.log(line);
                                    say(out, "[" + job.id() + "] " + line);
                                }
                            })),
                    Thread.ofVirtual()
                            .start(() -> readLines(process.getErrorStream(), line -> {
                                context.log("[stderr] " + line);
                                say(err, "[" + job.id() + "] " + line);
                                synchronized (stderrTail) {
                                    stderrTail.addLast(line);
                                    if (stderrTail.size() > STDERR_TAIL_LINES) {
                                        stderrTail.removeFirst();
                                    }
                                }
                            })));
            int exitCode;
            try {
                exitCode = process.waitFor();
            } catch (InterruptedException e) {
                stop(process, job, context, err);
                drain(readers);
                return null;
            }
            drain(readers);
            if (exitCode == 0) {
                return result(resultFile);
            }
            String tail;
            synchronized (stderrTail) {
                tail = stderrTail.isEmpty() ? "" : "; its last standard error: " + String.join(" | ", stderrTail);
            }
            var message = command.getFirst() + " exited with code " + exitCode + tail;
            throw permanentExitCodes.contains(exitCode) ? JobFailure.permanent(message) : JobFailure.retryable(message);
        } finally {
            Files.deleteIfExists(resultFile);
        }
    }

    private Map<String, String> variables(Job job, Path resultFile) {
        var variables = new LinkedHashMap<String, String>();
        variables.put("TURNSTILE_QUEUE", job.queue());
        variables.put("TURNSTILE_JOB_ID", job.jobId());
        variables.put("TURNSTILE_JOB_REF", job.id());
        variables.put("TURNSTILE_JOB_NAME", job.name());
        variables.put("TURNSTILE_JOB_ATTEMPT", String.valueOf(job.attempt()));
        variables.put("TURNSTILE_JOB_MAX_ATTEMPTS", String.valueOf(job.maxAttempts()));
        variables.put("TURNSTILE_JOB_PAYLOAD", payload(job));
        variables.put("TURNSTILE_FENCING_TOKEN", String.valueOf(job.fencingToken()));
        variables.put("TURNSTILE_WORKER_ID", job.workerId());
        variables.put("TURNSTILE_LEASE_SECONDS", String.valueOf(job.leaseSeconds()));
        variables.put("TURNSTILE_RESULT_FILE", resultFile.toString());
        return variables;
    }

    private static String payload(Job job) {
        return job.payload() == null || job.payload().isMissingNode()
                ? "null"
                : job.payload().toString();
    }

    private static void writePayload(Process process, Job job) {
        try (var stdin = process.getOutputStream()) {
            stdin.write((payload(job) + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // COMMAND does not read its standard input (it closed it or exited): the payload is in its environment.
        }
    }

    private static void readLines(InputStream stream, Consumer<String> line) {
        var decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        try (var reader = new BufferedReader(new InputStreamReader(stream, decoder))) {
            for (String next = reader.readLine(); next != null; next = reader.readLine()) {
                line.accept(next);
            }
        } catch (IOException e) {
            // The pipe was closed under the reader: COMMAND was stopped, or its output outlived it.
        }
    }

    /** SIGTERM to COMMAND and its children, SIGKILL after the kill grace. */
    private void stop(Process process, Job job, JobContext context, PrintWriter err) {
        var why = context.stopReason().map(Object::toString).orElse("the worker stopped it");
        var tree = Stream.concat(Stream.of(process.toHandle()), process.descendants())
                .toList();
        say(
                err,
                "claimctl: " + job.id() + ": sending SIGTERM to " + command.getFirst() + " (pid " + process.pid()
                        + ") and its children (" + why + "); SIGKILL after " + killGrace.toSeconds() + " s");
        tree.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(killGrace.toNanos(), TimeUnit.NANOSECONDS)) {
                say(err, "claimctl: " + job.id() + ": " + command.getFirst() + " still runs after SIGTERM: SIGKILL");
                Stream.concat(tree.stream(), process.descendants()).forEach(ProcessHandle::destroyForcibly);
                process.waitFor();
            }
        } catch (InterruptedException e) {
            Stream.concat(tree.stream(), process.descendants()).forEach(ProcessHandle::destroyForcibly);
            Thread.currentThread().interrupt();
        }
    }

    private static void drain(List<Thread> readers) {
        for (var reader : readers) {
            try {
                if (!reader.join(OUTPUT_DRAIN)) {
                    reader.interrupt();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** What COMMAND wrote to {@code TURNSTILE_RESULT_FILE}: JSON, or else a JSON string; null when nothing. */
    private static Object result(Path file) throws IOException {
        var text = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (text.isEmpty()) {
            return null;
        }
        try {
            return JSON.readTree(text);
        } catch (JacksonException e) {
            return JSON.getNodeFactory().stringNode(text);
        }
    }

    private static void say(PrintWriter writer, String line) {
        writer.println(line);
        writer.flush();
    }

    /**
     * SIGTERM and SIGINT run {@code handler} (on the JVM's signal thread: it must return at once). Not a shutdown hook:
     * a second signal while the running jobs drain must stop them at once, and hooks run only once. The JDK's signal
     * API ({@code sun.misc.Signal}, exported by {@code jdk.unsupported}) is reached reflectively, so that the build's
     * no-warnings rule keeps holding for everything else.
     */
    static void onStopSignals(Runnable handler) {
        Class<?> signalType;
        Class<?> handlerType;
        try {
            signalType = Class.forName("sun.misc.Signal");
            handlerType = Class.forName("sun.misc.SignalHandler");
        } catch (ClassNotFoundException e) {
            return; // A JVM without it: the default handling (exit at once) applies.
        }
        Object onSignal = Proxy.newProxyInstance(
                handlerType.getClassLoader(), new Class<?>[] {handlerType}, (proxy, method, arguments) -> {
                    switch (method.getName()) {
                        case "handle" -> handler.run();
                        case "hashCode" -> {
                            return System.identityHashCode(proxy);
                        }
                        case "equals" -> {
                            return proxy == arguments[0];
                        }
                        case "toString" -> {
                            return "claimctl stop signals";
                        }
                        default -> {}
                    }
                    return null;
                });
        for (var name : List.of("TERM", "INT")) {
            try {
                var signal = signalType.getConstructor(String.class).newInstance(name);
                signalType.getMethod("handle", signalType, handlerType).invoke(null, signal, onSignal);
            } catch (InvocationTargetException e) {
                // This platform has no such signal (or the JVM reserves it): the default handling applies.
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("Could not install claimctl's handler of SIG" + name, e);
            }
        }
    }
}
