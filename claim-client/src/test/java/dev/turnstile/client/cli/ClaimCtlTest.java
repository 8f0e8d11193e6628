package dev.turnstile.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnstile.client.FakeCoordinator;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
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

    /** Runs claimctl as {@code main} would, with NX_COORDINATOR_URL pointing at the fake coordinator. */
    private int claimctl(String... args) {
        return claimctl(Map.of("NX_COORDINATOR_URL", coordinator.url().toString()), args);
    }

    private int claimctl(Map<String, String> env, String... args) {
        var commandLine = ClaimCtl.commandLine(env);
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
                    .containsExactly("proceed", "taskKey", "requestId", "claimedBy", "claimedAt", "message", "mode",
                            "fencingToken", "expiresAt", "outcome");
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
                    {"error":"invalid_request","message":"The claim is invalid","violations":[
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

            int exitCode = claimctl(
                    Map.of("NX_COORDINATOR_URL", unreachable.toString()), args("claim", CLAIM, "--retries", "0"));

            assertThat(exitCode).isEqualTo(ClaimCtl.UNAVAILABLE);
            assertThat(err.toString())
                    .contains(unreachable + "/api/claim")
                    .contains("after 1 attempt")
                    .contains("could not connect")
                    .contains("Check NX_COORDINATOR_URL")
                    .contains("coordinator is running");
            assertThat(out.toString()).isEmpty();
        }

        @Test
        void each_retry_is_reported_on_standard_error() {
            coordinator.answer(503, Map.of("Retry-After", "0"), """
                    {"error":"overloaded","message":"Too many pending claims"}""").grant();

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
                    Map.of("NX_COORDINATOR_URL", "http://nowhere.invalid"),
                    args("claim", CLAIM, "--url", coordinator.url().toString()));

            assertThat(exitCode).isZero();
            assertThat(coordinator.received()).hasSize(1);
        }

        @Test
        void without_a_coordinator_url_it_is_a_usage_error_that_names_both_ways_to_give_one() {
            int exitCode = claimctl(Map.of(), args("claim", CLAIM));

            assertThat(exitCode).isEqualTo(ClaimCtl.USAGE);
            assertThat(err.toString()).contains("No coordinator URL: pass --url or set NX_COORDINATOR_URL");
        }

        @Test
        void a_zero_timeout_is_a_usage_error() {
            assertThat(claimctl(args("claim", CLAIM, "--timeout", "0s"))).isEqualTo(ClaimCtl.USAGE);
            assertThat(err.toString()).contains("The attempt timeout must be positive");
            assertThat(coordinator.received()).isEmpty();
        }

        @Test
        void a_missing_option_is_a_usage_error() {
            assertThat(claimctl("claim", "--project", "hire")).isEqualTo(ClaimCtl.USAGE);
            assertThat(err.toString()).contains("Missing required options");
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

            int exitCode = claimctl("run", "--project", "hire", "--task", "convex-deploy", "--sha", "xyz", "--",
                    "touch", marker.toString());

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
            assertThat(coordinator.received().getFirst().json().path("ttlSeconds").asInt()).isEqualTo(30);
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
            assertThat(claimctl(args("complete", CLAIM, "--token", "2", "--outcome", "succeeded"))).isZero();

            assertThat(coordinator.received()).extracting(FakeCoordinator.Received::path)
                    .containsExactly("/api/lease/release", "/api/claim/complete");
            assertThat(coordinator.received().getLast().json().path("outcome").asString()).isEqualTo("succeeded");
        }

        @Test
        void run_reports_the_commands_outcome_when_it_ends() {
            coordinator.grant().accept("completed");

            int exitCode = claimctl(args("run", CLAIM, "--", "sh", "-c", "exit 3"));

            assertThat(exitCode).isEqualTo(3);
            assertThat(coordinator.received().getLast().path()).isEqualTo("/api/claim/complete");
            assertThat(coordinator.received().getLast().json().path("outcome").asString()).isEqualTo("failed");
        }

        @Test
        void run_with_a_lease_renews_while_the_command_runs_and_completes_at_the_end() {
            coordinator.grantLease(1, 1).accept("renewed").accept("renewed").accept("renewed").accept("renewed")
                    .accept("renewed").accept("renewed").accept("renewed").accept("renewed");

            int exitCode = claimctl(args("run", CLAIM, "--lease", "1s", "--", "sh", "-c", "sleep 1.2"));

            assertThat(exitCode).isZero();
            var paths = coordinator.received().stream().map(FakeCoordinator.Received::path).toList();
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
            assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isLessThan(java.time.Duration.ofSeconds(20));
            assertThat(err.toString()).contains("lost the lease on hire:convex-deploy:3f9c2ab").contains("stale_token");
        }

        @Test
        void run_wait_exits_with_the_winners_failure_instead_of_0() {
            coordinator.deny("agent-2").answer(200,
                    "{\"taskKey\":\"hire:convex-deploy:3f9c2ab\",\"status\":\"failed\",\"ended\":true}");

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
            assertThat(claimctl("health", "--url", FakeCoordinator.unreachableUrl().toString()))
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
        assertThat(err.toString()).contains("Missing command: claim, run, renew, release, complete or health");
    }
}
