package dev.turnstile.client.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.turnstile.client.GitSha;
import dev.turnstile.client.jobs.FakeJobCoordinator;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

class JobCommandsTest {

    private static final Duration A_WHILE = Duration.ofSeconds(30);

    private final FakeJobCoordinator coordinator = FakeJobCoordinator.start();
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final AtomicReference<Runnable> stopSignal = new AtomicReference<>();

    @TempDir
    Path dir;

    @AfterEach
    void stopCoordinator() {
        coordinator.close();
    }

    /** Runs claimctl as {@code main} would, with TURNSTILE_URL pointing at the fake coordinator. */
    private int claimctl(String... args) {
        return withInput(null, args);
    }

    private int withInput(String stdin, String... args) {
        var env = Map.of("TURNSTILE_URL", coordinator.url().toString(), "NX_CLOUD_AGENT_ID", "ci-agent-7");
        var commandLine = ClaimCtl.commandLine(env::get, () -> new GitSha.Lookup.NotFound(List.of("no git")));
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        EnqueueCommand enqueue = commandLine.getSubcommands().get("enqueue").getCommand();
        if (stdin != null) {
            enqueue.stdin = () -> new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        }
        WorkerCommand worker = commandLine.getSubcommands().get("worker").getCommand();
        worker.stopSignals = stopSignal::set;
        return commandLine.execute(args);
    }

    /** Runs claimctl on another thread, for a worker the test talks to while it runs. */
    private CompletableFuture<Integer> inBackground(String... args) {
        var exit = new CompletableFuture<Integer>();
        Thread.ofVirtual().start(() -> exit.complete(claimctl(args)));
        return exit;
    }

    private static String[] worker(String[] options, String... command) {
        var all = new ArrayList<String>(List.of("worker", "--queue", "emails", "--poll-wait", "1s"));
        all.addAll(List.of(options));
        all.add("--");
        all.addAll(List.of(command));
        return all.toArray(String[]::new);
    }

    @Nested
    class Enqueue {

        @Test
        void enqueue_sends_every_option_and_prints_the_jobs_id_and_state() {
            int exit = claimctl(
                    "enqueue",
                    "--queue",
                    "emails",
                    "--name",
                    "send-welcome",
                    "--job-id",
                    "welcome-42",
                    "--payload",
                    "{\"to\":\"ada@example.com\"}",
                    "--priority",
                    "5",
                    "--delay",
                    "1m",
                    "--max-attempts",
                    "4",
                    "--backoff",
                    "exponential:5s,10m",
                    "--lease",
                    "45s",
                    "--dedup-key",
                    "hire:e2e:3f9c2ab",
                    "--request-id",
                    "enqueue-req-1");

            assertThat(exit).isZero();
            assertThat(out.toString().strip()).isEqualTo("emails:welcome-42 — enqueued (waiting)");
            var sent = coordinator.received("/jobs").getFirst().body();
            assertThat(sent.toString())
                    .isEqualTo("{\"name\":\"send-welcome\",\"jobId\":\"welcome-42\","
                            + "\"payload\":{\"to\":\"ada@example.com\"},\"priority\":5,\"delaySeconds\":60,\"maxAttempts\":4,"
                            + "\"backoff\":{\"kind\":\"exponential\",\"baseSeconds\":5,\"capSeconds\":600},"
                            + "\"leaseSeconds\":45,\"dedupKey\":\"hire:e2e:3f9c2ab\",\"requestId\":\"enqueue-req-1\"}");
        }

        @Test
        void the_payload_may_come_from_a_file_or_from_standard_input() throws Exception {
            Files.writeString(dir.resolve("job.json"), "{\"from\":\"file\"}");

            assertThat(claimctl(
                            "enqueue", "--queue", "emails", "--name", "a", "--payload", "@" + dir.resolve("job.json")))
                    .isZero();
            assertThat(withInput("[1, 2]", "enqueue", "--queue", "emails", "--name", "b", "--payload", "@-"))
                    .isZero();

            var sent = coordinator.received("/jobs");
            assertThat(sent.get(0).body().path("payload").toString()).isEqualTo("{\"from\":\"file\"}");
            assertThat(sent.get(1).body().path("payload").toString()).isEqualTo("[1,2]");
        }

        @Test
        void enqueueing_a_job_id_already_there_exits_0_and_says_nothing_was_added() {
            coordinator.add("emails", "welcome-42", null);

            int exit = claimctl("enqueue", "--queue", "emails", "--name", "send-welcome", "--job-id", "welcome-42");

            assertThat(exit).isZero();
            assertThat(out.toString().strip())
                    .isEqualTo("emails:welcome-42 — already in the queue (waiting, same job id): nothing added");
        }

        @Test
        void with_json_the_answer_is_one_line_of_json() throws Exception {
            claimctl("enqueue", "--queue", "emails", "--name", "send", "--job-id", "j1", "--json");

            var json = JsonMapper.builder().build().readTree(out.toString());
            assertThat(out.toString().lines()).hasSize(1);
            assertThat(json.path("created").asBoolean()).isTrue();
            assertThat(json.path("id").asString()).isEqualTo("emails:j1");
            assertThat(json.path("state").asString()).isEqualTo("waiting");
        }

        @Test
        void a_payload_that_is_not_json_is_a_usage_error_and_nothing_is_sent() {
            int exit = claimctl("enqueue", "--queue", "emails", "--name", "send", "--payload", "{to: ada}");

            assertThat(exit).isEqualTo(ClaimCtl.USAGE);
            assertThat(err.toString()).contains("--payload must be JSON");
            assertThat(coordinator.received()).isEmpty();
        }

        @Test
        void a_backoff_of_another_form_is_a_usage_error_naming_the_forms() {
            int exit = claimctl("enqueue", "--queue", "emails", "--name", "send", "--backoff", "linear:5s");

            assertThat(exit).isEqualTo(ClaimCtl.USAGE);
            assertThat(err.toString())
                    .contains("Invalid --backoff 'linear:5s'")
                    .contains("fixed:BASE or exponential:BASE[,CAP]");
        }

        @Test
        void a_job_that_breaks_the_rules_exits_3_naming_each_rule_and_nothing_is_sent() {
            int exit =
                    claimctl("enqueue", "--queue", "emails", "--name", "send", "--max-attempts", "0", "--lease", "2h");

            assertThat(exit).isEqualTo(ClaimCtl.INVALID);
            assertThat(err.toString())
                    .contains("maxAttempts must be 1 to 100; got 0")
                    .contains("lease must be whole seconds from 1 s to 3600 s");
            assertThat(coordinator.received()).isEmpty();
        }
    }

    @Nested
    class Worker {

        @Test
        void the_command_gets_the_payload_on_standard_input_and_the_job_in_its_environment_and_exit_0_completes_it() {
            coordinator.add("emails", "welcome-42", "{\"to\":\"ada@example.com\"}");

            int exit = claimctl(worker(
                    new String[] {"--max-jobs", "1"},
                    "sh",
                    "-c",
                    "read payload; echo \"got $payload\"; "
                            + "echo \"$TURNSTILE_JOB_REF $TURNSTILE_JOB_ATTEMPT/$TURNSTILE_JOB_MAX_ATTEMPTS"
                            + " $TURNSTILE_JOB_NAME token $TURNSTILE_FENCING_TOKEN by $TURNSTILE_WORKER_ID\"; "
                            + "echo \"$TURNSTILE_JOB_PAYLOAD\"; echo '{\"sent\":true}' > \"$TURNSTILE_RESULT_FILE\""));

            assertThat(exit).isZero();
            var job = coordinator.job("emails:welcome-42");
            assertThat(job.state).isEqualTo("succeeded");
            assertThat(job.result.toString()).isEqualTo("{\"sent\":true}");
            assertThat(job.workerId).isEqualTo("ci-agent-7");
            assertThat(job.logs)
                    .containsExactly(
                            "got {\"to\":\"ada@example.com\"}",
                            "emails:welcome-42 1/3 test-job token 1 by ci-agent-7",
                            "{\"to\":\"ada@example.com\"}");
            assertThat(out.toString()).contains("[emails:welcome-42] got {\"to\":\"ada@example.com\"}");
        }

        @Test
        void a_non_zero_exit_fails_the_job_to_be_retried_and_a_permanent_exit_code_makes_it_dead() {
            coordinator.add("emails", "flaky", null);
            coordinator.add("emails", "bad-input", null);

            int exit = claimctl(worker(
                    new String[] {"--max-jobs", "2"},
                    "sh",
                    "-c",
                    "echo \"no luck with $TURNSTILE_JOB_ID\" >&2; "
                            + "if [ \"$TURNSTILE_JOB_ID\" = flaky ]; then exit 3; else exit 100; fi"));

            assertThat(exit).isZero();
            var flaky = coordinator.job("emails:flaky");
            assertThat(flaky.state).isEqualTo("failed_will_retry");
            assertThat(flaky.retryable).isTrue();
            assertThat(flaky.error).isEqualTo("sh exited with code 3; its last standard error: no luck with flaky");
            assertThat(flaky.logs).containsExactly("[stderr] no luck with flaky");
            var bad = coordinator.job("emails:bad-input");
            assertThat(bad.state).isEqualTo("dead");
            assertThat(bad.retryable).isFalse();
        }

        @Test
        void progress_lines_set_the_jobs_progress_and_are_not_logged() {
            coordinator.defaultLeaseSeconds(1).add("emails", "long", null);
            var go = dir.resolve("go");

            var exit = inBackground(worker(
                    new String[] {"--max-jobs", "1"},
                    "sh",
                    "-c",
                    "echo '::progress 40 rendering'; echo working; while [ ! -f " + go + " ]; do sleep 0.05; done"));
            await().atMost(A_WHILE).until(() -> Integer.valueOf(40).equals(coordinator.job("emails:long").progress));
            touch(go);

            assertThat(exit).succeedsWithin(A_WHILE).isEqualTo(0);
            var job = coordinator.job("emails:long");
            assertThat(job.message).isEqualTo("rendering");
            assertThat(job.logs).containsExactly("working");
            assertThat(job.state).isEqualTo("succeeded");
        }

        @Test
        void a_cancelled_jobs_command_gets_sigterm_and_the_job_is_never_completed() {
            coordinator.defaultLeaseSeconds(1).add("emails", "cancel-me", null);
            var started = dir.resolve("started");
            var terminated = dir.resolve("terminated");

            var exit = inBackground(worker(
                    new String[] {"--max-jobs", "1"},
                    "sh",
                    "-c",
                    "trap 'echo term > " + terminated + "; exit 143' TERM; touch " + started
                            + "; while true; do sleep 0.05; done"));
            await().atMost(A_WHILE).until(() -> Files.exists(started));
            coordinator.cancel("emails:cancel-me");

            assertThat(exit).succeedsWithin(A_WHILE).isEqualTo(0);
            assertThat(terminated).exists();
            assertThat(coordinator.received("/complete")).isEmpty();
            assertThat(coordinator.received("/fail")).isEmpty();
            assertThat(err.toString()).contains("emails:cancel-me: sending SIGTERM to sh");
        }

        @Test
        void a_command_that_ignores_sigterm_is_killed_after_the_kill_grace() {
            coordinator.defaultLeaseSeconds(1).add("emails", "stubborn", null);
            var started = dir.resolve("started");

            var exit = inBackground(worker(
                    new String[] {"--max-jobs", "1", "--kill-grace", "1s"},
                    "sh",
                    "-c",
                    "trap '' TERM; touch " + started + "; while true; do sleep 0.05; done"));
            await().atMost(A_WHILE).until(() -> Files.exists(started));
            coordinator.refuseNextReport("emails:stubborn", "stale_token");

            assertThat(exit).succeedsWithin(A_WHILE).isEqualTo(0);
            assertThat(err.toString()).contains("still runs after SIGTERM: SIGKILL");
            assertThat(coordinator.received("/complete")).isEmpty();
        }

        @Test
        void a_stop_signal_takes_no_more_jobs_and_lets_the_running_one_finish() {
            coordinator.add("emails", "first", null);
            var started = dir.resolve("started");
            var go = dir.resolve("go");

            var exit = inBackground(worker(
                    new String[0],
                    "sh",
                    "-c",
                    "touch " + started + "; while [ ! -f " + go + " ]; do sleep 0.05; done"));
            await().atMost(A_WHILE).until(() -> Files.exists(started) && stopSignal.get() != null);
            stopSignal.get().run();
            coordinator.add("emails", "second", null);
            touch(go);

            assertThat(exit).succeedsWithin(A_WHILE).isEqualTo(ClaimCtl.OK);
            assertThat(coordinator.job("emails:first").state).isEqualTo("succeeded");
            assertThat(coordinator.job("emails:second").state).isEqualTo("waiting");
        }

        @Test
        void a_job_still_running_after_the_shutdown_grace_is_stopped_failed_as_retryable_and_the_exit_code_says_so() {
            coordinator.add("emails", "slow", null);
            var started = dir.resolve("started");

            var exit = inBackground(worker(
                    new String[] {"--shutdown-grace", "1s"},
                    "sh",
                    "-c",
                    "touch " + started + "; while true; do sleep 0.05; done"));
            await().atMost(A_WHILE).until(() -> Files.exists(started) && stopSignal.get() != null);
            stopSignal.get().run();

            assertThat(exit).succeedsWithin(A_WHILE).isEqualTo(ClaimCtl.DRAIN_INCOMPLETE);
            var job = coordinator.job("emails:slow");
            assertThat(job.state).isEqualTo("failed_will_retry");
            assertThat(job.error).startsWith("worker shut down");
        }

        @Test
        void the_help_documents_the_variables_the_exit_codes_and_the_stop_signals() {
            assertThat(claimctl("worker", "--help")).isZero();

            assertThat(out.toString())
                    .contains("TURNSTILE_JOB_PAYLOAD")
                    .contains("TURNSTILE_FENCING_TOKEN")
                    .contains("--permanent-exit-codes")
                    .contains("SIGTERM")
                    .contains("16   worker: stopped by SIGTERM/SIGINT");
        }
    }

    private static void touch(Path file) {
        try {
            Files.writeString(file, "");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
