package dev.turnstile.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnstile.client.FakeCoordinator;
import dev.turnstile.client.GitSha;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

class ClaimCtlTest {

    private static final String[] CLAIM = {
        "--project", "hire", "--task", "convex-deploy", "--sha", "3f9c2ab", "--agent", "a1"
    };

    private final FakeCoordinator coordinator = FakeCoordinator.start();
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @AfterEach
    void stopCoordinator() {
        coordinator.close();
    }

    /** What {@code git rev-parse HEAD} answers; nothing by default, so that no test depends on its directory. */
    private GitSha.Git git = () -> new GitSha.Lookup.NotFound(List.of(
            "git rev-parse HEAD failed: fatal: not a git" + " repository (or any of the parent directories): .git"));

    /** Runs claimctl as {@code main} would, with TURNSTILE_URL pointing at the fake coordinator. */
    private int claimctl(String... args) {
        return claimctl(Map.of("TURNSTILE_URL", coordinator.url().toString()), args);
    }

    private int claimctl(Map<String, String> env, String... args) {
        return claimctl(Map.copyOf(env)::get, args);
    }

    private int claimctl(UnaryOperator<String> env, String... args) {
        var commandLine = ClaimCtl.commandLine(env, git);
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    private static String[] args(String command, String[] options, String... more) {
        var all = new String[1 + options.length + more.length];
        all[0] = command;
        System.arraycopy(options, 0, all, 1, options.length);
        System.arraycopy(more, 0, all, 1 + options.length, more.length);
        return all;
    }

    @Nested
    class Claim {

        @Test
        void proceeding_prints_one_line_and_exits_0() {
            coordinator.grant();

            int exitCode = claimctl(args("claim", CLAIM));

            assertThat(exitCode).isZero();
            assertThat(out.toString())
                    .isEqualTo("hire:convex-deploy — proceeding as first instance (sha 3f9c2ab, agent a1)"
                            + System.lineSeparator());
        }

        @Test
        void skipping_a_duplicate_prints_who_claimed_it_and_exits_0_so_nx_carries_on() {
            coordinator.deny("agent-2");

            int exitCode = claimctl(args("claim", CLAIM));

            assertThat(exitCode).isZero();
            assertThat(out.toString().strip())
                    .isEqualTo("hire:convex-deploy — skipping, already claimed by agent-2 at 2026-11-23T10:30:00Z");
        }

        @Test
        void with_exit_code_skipping_exits_10_and_proceeding_exits_0() {
            coordinator.deny("agent-2").grant();

            assertThat(claimctl(args("claim", CLAIM, "--exit-code"))).isEqualTo(ClaimCtl.SKIPPED);
            assertThat(claimctl(args("claim", CLAIM, "--exit-code"))).isEqualTo(ClaimCtl.OK);
        }

        @Test
        void with_json_the_decision_is_printed_as_one_json_line_with_stable_fields() {
            coordinator.deny("agent-2");

            claimctl(args("claim", CLAIM, "--json", "--request-id", "ci-run-42-convex"));

            assertThat(out.toString().lines()).hasSize(1);
            var json = JsonMapper.builder().build().readTree(out.toString());
            assertThat(json.propertyNames())
                    .containsExactly(
                            "proceed",
                            "taskKey",
                            "requestId",
                            "claimedBy",
                            "claimedAt",
                            "message",
                            "mode",
                            "fencingToken",
                            "expiresAt",
                            "outcome");
            assertThat(json.path("proceed").booleanValue()).isFalse();
            assertThat(json.path("taskKey").asString()).isEqualTo("hire:convex-deploy:3f9c2ab");
            assertThat(json.path("requestId").asString()).isEqualTo("ci-run-42-convex");
            assertThat(json.path("claimedBy").asString()).isEqualTo("agent-2");
            assertThat(json.path("claimedAt").asString()).isEqualTo("2026-11-23T10:30:00Z");
        }

        @Test
        void an_invalid_sha_exits_3_with_the_rule_and_makes_no_call() {
            int exitCode = claimctl("claim", "--project", "hire", "--task", "convex-deploy", "--sha", "not-a-sha");

            assertThat(exitCode).isEqualTo(ClaimCtl.INVALID);
            assertThat(err.toString())
                    .contains("invalid claim, not sent to the coordinator")
                    .contains("gitSha must be 7 to 64 hexadecimal characters");
            assertThat(coordinator.received()).isEmpty();
        }

        @Test
        void a_claim_the_coordinator_rejects_exits_3_with_each_violation() {
            coordinator.answer(400, """
                    {"error":"invalid_request","detail":"The claim is invalid","violations":[
                     {"field":"project","rule":"reserved","message":"project \\"hire\\" is reserved"},
                     {"field":"task","rule":"reserved","message":"task \\"convex-deploy\\" is reserved"}]}""");

            int exitCode = claimctl(args("claim", CLAIM));

            assertThat(exitCode).isEqualTo(ClaimCtl.INVALID);
            assertThat(err.toString())
                    .contains("the coordinator rejected the claim as invalid")
                    .contains("  - project \"hire\" is reserved")
                    .contains("  - task \"convex-deploy\" is reserved");
        }

        @Test
        void an_unreachable_coordinator_exits_4_saying_where_and_what_to_check() {
            URI unreachable = FakeCoordinator.unreachableUrl();

            int exitCode =
                    claimctl(Map.of("TURNSTILE_URL", unreachable.toString()), args("claim", CLAIM, "--retries", "0"));

            assertThat(exitCode).isEqualTo(ClaimCtl.UNAVAILABLE);
            assertThat(err.toString())
                    .contains(unreachable + "/api/claim")
                    .contains("after 1 attempt")
                    .contains("could not connect")
                    .contains("Check TURNSTILE_URL")
                    .contains("coordinator is running");
            assertThat(out.toString()).isEmpty();
        }

        @Test
        void each_retry_is_reported_on_standard_error() {
            coordinator.answer(503, Map.of("Retry-After", "0"), """
                    {"error":"overloaded","detail":"Too many pending claims"}""").grant();

            int exitCode = claimctl(args("claim", CLAIM, "--retries", "1"));

            assertThat(exitCode).isZero();
            assertThat(err.toString())
                    .startsWith("claimctl: Claim attempt 1 of 2 for hire:convex-deploy:3f9c2ab")
                    .contains("HTTP 503 overloaded");
        }

        @Test
        void the_url_option_wins_over_the_environment() {
            coordinator.grant();

            int exitCode = claimctl(
                    Map.of("TURNSTILE_URL", "http://nowhere.invalid"),
                    args("claim", CLAIM, "--url", coordinator.url().toString()));

            assertThat(exitCode).isZero();
            assertThat(coordinator.received()).hasSize(1);
        }

        @Test
        void without_a_coordinator_url_it_is_a_usage_error_that_names_both_ways_to_give_one() {
            int exitCode = claimctl(Map.of(), args("claim", CLAIM));

            assertThat(exitCode).isEqualTo(ClaimCtl.USAGE);
            assertThat(err.toString()).contains("No coordinator URL: pass --url or set TURNSTILE_URL");
        }

        @Test
        void a_zero_timeout_is_a_usage_error() {
            assertThat(claimctl(args("claim", CLAIM, "--timeout", "0s"))).isEqualTo(ClaimCtl.USAGE);
            assertThat(err.toString()).contains("The attempt timeout must be positive");
            assertThat(coordinator.received()).isEmpty();
        }

        @Test
        void a_missing_task_is_a_usage_error_naming_both_ways_to_give_one() {
            assertThat(claimctl("claim", "--project", "hire", "--sha", "3f9c2ab"))
                    .isEqualTo(ClaimCtl.USAGE);
            assertThat(err.toString())
                    .contains("Missing --task: pass --task (or run claimctl in an Nx target, which sets"
                            + " NX_TASK_TARGET_TARGET)");
            assertThat(coordinator.received()).isEmpty();
        }
    }

    @Nested
    class WhatTheCiEnvironmentSays {

        private final Map<String, String> github = Map.of(
                "TURNSTILE_URL", coordinator.url().toString(),
                "GITHUB_SHA", "3F9C2AB8D1E0F4A7B6C5D4E3F2A1B0C9D8E7F6A5",
                "GITHUB_RUN_ID", "9876543210",
                "GITHUB_RUN_ATTEMPT", "1",
                "GITHUB_JOB", "deploy",
                "RUNNER_NAME", "GitHub Actions 12");

        @Test
        void on_github_actions_the_sha_and_agent_come_from_the_job_and_standard_error_says_where_the_sha_came_from() {
            coordinator.grant();

            int exitCode = claimctl(github, "claim", "--project", "hire", "--task", "convex-deploy");

            assertThat(exitCode).isZero();
            var sent = coordinator.received().getFirst().json();
            assertThat(sent.path("gitSha").asString()).isEqualTo("3f9c2ab8d1e0f4a7b6c5d4e3f2a1b0c9d8e7f6a5");
            assertThat(sent.path("agentId").asString()).isEqualTo("github-9876543210-1-deploy@GitHub Actions 12");
            assertThat(err.toString())
                    .isEqualTo("claimctl: sha 3f9c2ab8d1e0f4a7b6c5d4e3f2a1b0c9d8e7f6a5 (from GITHUB_SHA)"
                            + System.lineSeparator());
            assertThat(out.toString()).startsWith("hire:convex-deploy — proceeding as first instance");
        }

        @Test
        void a_sha_given_on_the_command_line_wins_and_nothing_is_said_about_it() {
            coordinator.grant();

            claimctl(github, "claim", "--project", "hire", "--task", "convex-deploy", "--sha", "abcdef1");

            assertThat(coordinator.received().getFirst().json().path("gitSha").asString())
                    .isEqualTo("abcdef1");
            assertThat(err.toString()).isEmpty();
        }

        @Test
        void outside_ci_the_sha_comes_from_git() {
            git = () -> new GitSha.Lookup.Found("1111111111111111111111111111111111111111", GitSha.GIT_SOURCE);
            coordinator.grant();

            int exitCode = claimctl("claim", "--project", "hire", "--task", "convex-deploy", "--agent", "a1");

            assertThat(exitCode).isZero();
            assertThat(err.toString())
                    .isEqualTo("claimctl: sha 1111111111111111111111111111111111111111 (from git" + " rev-parse HEAD)"
                            + System.lineSeparator());
        }

        @Test
        void without_a_sha_anywhere_it_is_a_usage_error_that_says_what_was_tried_and_nothing_is_sent() {
            int exitCode = claimctl("claim", "--project", "hire", "--task", "convex-deploy");

            assertThat(exitCode).isEqualTo(ClaimCtl.USAGE);
            assertThat(err.toString())
                    .startsWith("claimctl: No commit SHA: GITHUB_SHA, CI_COMMIT_SHA, BUILDKITE_COMMIT"
                            + " unset; git rev-parse HEAD failed: fatal: not a git repository (or any of the parent"
                            + " directories): .git. Pass --sha, or run claimctl in the git checkout of the commit.");
            assertThat(coordinator.received()).isEmpty();
        }

        @Test
        void in_an_nx_target_the_project_and_task_come_from_nx_and_standard_error_says_so() {
            coordinator.grant();
            var env = new HashMap<>(github);
            env.put("NX_TASK_TARGET_PROJECT", "hire");
            env.put("NX_TASK_TARGET_TARGET", "convex-deploy");

            int exitCode = claimctl(env, "run", "--", "true");

            assertThat(exitCode).isZero();
            assertThat(coordinator.received().getFirst().json().path("project").asString())
                    .isEqualTo("hire");
            assertThat(coordinator.received().getFirst().json().path("task").asString())
                    .isEqualTo("convex-deploy");
            assertThat(err.toString())
                    .startsWith("claimctl: project hire (from NX_TASK_TARGET_PROJECT), task"
                            + " convex-deploy (from NX_TASK_TARGET_TARGET), sha 3f9c2ab8d1e0f4a7b6c5d4e3f2a1b0c9d8e7f6a5"
                            + " (from GITHUB_SHA)" + System.lineSeparator());
        }

        @Test
        void nx_coordinator_url_is_read_when_turnstile_url_is_unset() {
            coordinator.grant();

            int exitCode =
                    claimctl(Map.of("NX_COORDINATOR_URL", coordinator.url().toString()), args("claim", CLAIM));

            assertThat(exitCode).isZero();
            assertThat(coordinator.received()).hasSize(1);
        }

        @Test
        void turnstile_url_wins_over_nx_coordinator_url() {
            coordinator.grant();

            int exitCode = claimctl(
                    Map.of(
                            "TURNSTILE_URL",
                            coordinator.url().toString(),
                            "NX_COORDINATOR_URL",
                            "http://nowhere.invalid"),
                    args("claim", CLAIM));

            assertThat(exitCode).isZero();
            assertThat(coordinator.received()).hasSize(1);
        }

        @Test
        void help_lists_every_environment_variable_claimctl_reads() {
            git = () -> new GitSha.Lookup.Found("1111111111111111111111111111111111111111", GitSha.GIT_SOURCE);
            Set<String> read = new TreeSet<>();
            var ciEnvironments = List.of(
                    github,
                    Map.of("CI_COMMIT_SHA", "0a1b2c3", "CI_JOB_ID", "5551234", "CI_RUNNER_ID", "77"),
                    Map.of("BUILDKITE_COMMIT", "HEAD", "BUILDKITE_JOB_ID", "0190a1b2", "BUILDKITE_AGENT_NAME", "a3"),
                    Map.of("NX_CLOUD_AGENT_ID", "nx-agent-7", "NX_TASK_TARGET_PROJECT", "hire"),
                    Map.<String, String>of());
            for (Map<String, String> env : ciEnvironments) {
                UnaryOperator<String> recording = name -> {
                    read.add(name);
                    return env.get(name);
                };
                coordinator.grant().grant();
                claimctl(recording, "claim", "--project", "hire", "--task", "deploy", "--retries", "0");
                claimctl(recording, "claim", "--retries", "0");
            }
            assertThat(read)
                    .contains(
                            "TURNSTILE_URL",
                            "NX_COORDINATOR_URL",
                            "TURNSTILE_TOKEN",
                            "GITHUB_SHA",
                            "RUNNER_NAME",
                            "CI_RUNNER_ID",
                            "BUILDKITE_AGENT_NAME",
                            "HOSTNAME");
            out.getBuffer().setLength(0);

            assertThat(claimctl("--help")).isZero();
            String help = out.toString();
            out.getBuffer().setLength(0);
            claimctl("claim", "--help");

            assertThat(read).allSatisfy(name -> {
                assertThat(help).contains(name);
                assertThat(out.toString()).contains(name);
            });
        }
    }

    @Nested
    class Run {

        @Test
        void a_granted_command_runs_and_its_exit_code_is_returned() {
            coordinator.grant();

            int exitCode = claimctl(args("run", CLAIM, "--", "sh", "-c", "exit 7"));

            assertThat(exitCode).isEqualTo(7);
            assertThat(err.toString()).contains("hire:convex-deploy — proceeding as first instance");
        }

        @Test
        void a_command_needs_no_double_dash_before_it(@TempDir Path dir) {
            coordinator.grant();
            Path marker = dir.resolve("deployed");

            int exitCode = claimctl(args("run", CLAIM, "touch", marker.toString()));

            assertThat(exitCode).isZero();
            assertThat(marker).exists();
        }

        @Test
        void a_skipped_command_does_not_run_and_exits_0(@TempDir Path dir) {
            coordinator.deny("agent-2");
            Path marker = dir.resolve("deployed");

            int exitCode = claimctl(args("run", CLAIM, "--", "touch", marker.toString()));

            assertThat(exitCode).isZero();
            assertThat(Files.exists(marker)).isFalse();
            assertThat(err.toString()).contains("skipping, already claimed by agent-2");
        }

        @Test
        void a_granted_command_that_cannot_start_exits_127() {
            coordinator.grant();

            int exitCode = claimctl(args("run", CLAIM, "--", "/nonexistent/turnstile-deploy"));

            assertThat(exitCode).isEqualTo(ClaimCtl.CANNOT_START);
            assertThat(err.toString()).contains("could not start /nonexistent/turnstile-deploy");
        }

        @Test
        void an_invalid_claim_runs_nothing_and_exits_3(@TempDir Path dir) {
            Path marker = dir.resolve("deployed");

            int exitCode = claimctl(
                    "run",
                    "--project",
                    "hire",
                    "--task",
                    "convex-deploy",
                    "--sha",
                    "xyz",
                    "--",
                    "touch",
                    marker.toString());

            assertThat(exitCode).isEqualTo(ClaimCtl.INVALID);
            assertThat(marker).doesNotExist();
            assertThat(coordinator.received()).isEmpty();
        }
    }

    @Nested
    class Leases {

        @Test
        void claim_with_a_lease_prints_the_fencing_token_and_expiry() {
            coordinator.grantLease(3, 30);

            int exitCode = claimctl(args("claim", CLAIM, "--lease", "30s"));

            assertThat(exitCode).isZero();
            assertThat(out.toString()).contains("fencing token 3, lease until 2026-11-23T10:30:30Z");
            assertThat(coordinator
                            .received()
                            .getFirst()
                            .json()
                            .path("ttlSeconds")
                            .asInt())
                    .isEqualTo(30);
        }

        @Test
        void a_lease_shorter_than_a_second_is_a_usage_error() {
            assertThat(claimctl(args("claim", CLAIM, "--lease", "500ms"))).isEqualTo(ClaimCtl.USAGE);
            assertThat(coordinator.received()).isEmpty();
        }

        @Test
        void a_refused_renewal_exits_15_with_the_reason() {
            coordinator.refuse("stale_token");

            int exitCode = claimctl(args("renew", CLAIM, "--token", "1"));

            assertThat(exitCode).isEqualTo(ClaimCtl.REFUSED);
            assertThat(err.toString()).contains("refused (stale_token)");
        }

        @Test
        void release_and_complete_send_the_token_and_exit_0_when_accepted() {
            coordinator.accept("released").accept("completed");

            assertThat(claimctl(args("release", CLAIM, "--token", "2"))).isZero();
            assertThat(claimctl(args("complete", CLAIM, "--token", "2", "--outcome", "succeeded")))
                    .isZero();

            assertThat(coordinator.received())
                    .extracting(FakeCoordinator.Received::path)
                    .containsExactly("/api/lease/release", "/api/claim/complete");
            assertThat(coordinator.received().getLast().json().path("outcome").asString())
                    .isEqualTo("succeeded");
        }

        @Test
        void run_reports_the_commands_outcome_when_it_ends() {
            coordinator.grant().accept("completed");

            int exitCode = claimctl(args("run", CLAIM, "--", "sh", "-c", "exit 3"));

            assertThat(exitCode).isEqualTo(3);
            assertThat(coordinator.received().getLast().path()).isEqualTo("/api/claim/complete");
            assertThat(coordinator.received().getLast().json().path("outcome").asString())
                    .isEqualTo("failed");
        }

        @Test
        void run_with_a_lease_renews_while_the_command_runs_and_completes_at_the_end() {
            coordinator
                    .grantLease(1, 1)
                    .accept("renewed")
                    .accept("renewed")
                    .accept("renewed")
                    .accept("renewed")
                    .accept("renewed")
                    .accept("renewed")
                    .accept("renewed")
                    .accept("renewed");

            int exitCode = claimctl(args("run", CLAIM, "--lease", "1s", "--", "sh", "-c", "sleep 1.2"));

            assertThat(exitCode).isZero();
            var paths = coordinator.received().stream()
                    .map(FakeCoordinator.Received::path)
                    .toList();
            assertThat(paths.getFirst()).isEqualTo("/api/claim");
            assertThat(paths).contains("/api/lease/renew");
            assertThat(paths.getLast()).isEqualTo("/api/claim/complete");
        }

        @Test
        void run_with_a_lease_lost_mid_run_stops_the_command_and_exits_14() {
            coordinator.grantLease(1, 1).refuse("stale_token");

            long start = System.nanoTime();
            int exitCode = claimctl(args("run", CLAIM, "--lease", "1s", "--", "sleep", "30"));

            assertThat(exitCode).isEqualTo(ClaimCtl.LEASE_LOST);
            assertThat(java.time.Duration.ofNanos(System.nanoTime() - start))
                    .isLessThan(java.time.Duration.ofSeconds(20));
            assertThat(err.toString())
                    .contains("lost the lease on hire:convex-deploy:3f9c2ab")
                    .contains("stale_token");
        }

        @Test
        void run_wait_exits_with_the_winners_failure_instead_of_0() {
            coordinator
                    .deny("agent-2")
                    .answer(200, "{\"taskKey\":\"hire:convex-deploy:3f9c2ab\",\"status\":\"failed\",\"ended\":true}");

            int exitCode = claimctl(args("run", CLAIM, "--wait", "--", "sh", "-c", "exit 0"));

            assertThat(exitCode).isEqualTo(ClaimCtl.WINNER_FAILED);
            assertThat(err.toString()).contains("winner's outcome: failed");
        }

        @Test
        void run_wait_exits_0_when_the_winner_already_succeeded() {
            coordinator.answer(200, """
                    {"proceed":false,"taskKey":"hire:convex-deploy:3f9c2ab","claimedBy":"agent-2",
                     "claimedAt":"2026-11-23T10:30:00Z","message":"Already claimed by agent-2; it succeeded",
                     "mode":"once","fencingToken":1,"outcome":"succeeded"}""");

            int exitCode = claimctl(args("run", CLAIM, "--wait", "--", "sh", "-c", "exit 9"));

            assertThat(exitCode).isZero();
            assertThat(coordinator.received()).hasSize(1);
        }
    }

    @Nested
    class Health {

        @Test
        void a_healthy_coordinator_exits_0() {
            coordinator.answer(200, """
                    {"status":"healthy","timestamp":"2026-11-23T10:30:00Z"}""");

            assertThat(claimctl("health")).isZero();
            assertThat(out.toString()).startsWith("healthy: coordinator at " + coordinator.url());
        }

        @Test
        void an_unhealthy_coordinator_exits_1_with_its_error() {
            coordinator.answer(503, """
                    {"status":"unhealthy","error":"Kafka is unreachable"}""");

            assertThat(claimctl("health")).isEqualTo(ClaimCtl.UNHEALTHY);
            assertThat(out.toString()).contains("unhealthy").contains("Kafka is unreachable");
        }

        @Test
        void an_unreachable_coordinator_exits_4() {
            assertThat(claimctl(
                            "health", "--url", FakeCoordinator.unreachableUrl().toString()))
                    .isEqualTo(ClaimCtl.UNAVAILABLE);
            assertThat(err.toString()).contains("No health answer");
        }
    }

    @Test
    void the_help_lists_the_exit_codes() {
        assertThat(claimctl("--help")).isZero();

        assertThat(out.toString())
                .contains("Exit codes:")
                .contains("3    invalid claim")
                .contains("4    coordinator unreachable")
                .contains("10   claim --exit-code: skipping");
    }

    @Test
    void no_command_is_a_usage_error() {
        assertThat(claimctl()).isEqualTo(ClaimCtl.USAGE);
        assertThat(err.toString())
                .contains("Missing command: claim, run, renew, release, complete, health, enqueue or worker");
    }
}
