package dev.turnstile.client.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.turnstile.client.RetrySettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WorkerTest {

    private static final RetrySettings FAST = new RetrySettings(4, Duration.ofMillis(1), Duration.ofMillis(20), 0.0);
    private static final Duration A_WHILE = Duration.ofSeconds(20);

    private final FakeJobCoordinator coordinator = FakeJobCoordinator.start();
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final JobClient client =
            JobClient.builder(coordinator.url()).retry(FAST).logger(log::add).build();
    private Worker worker;

    @AfterEach
    void stop() throws InterruptedException {
        if (worker != null) {
            worker.shutdown(Duration.ZERO);
        }
        client.close();
        coordinator.close();
    }

    private Worker worker(JobHandler handler, int concurrency) {
        worker = Worker.builder(client, "emails", handler)
                .workerId("worker-1")
                .concurrency(concurrency)
                .pollWait(Duration.ofSeconds(1))
                .logFlushInterval(Duration.ofMillis(100))
                .logger(log::add)
                .build()
                .start();
        return worker;
    }

    @Test
    void each_job_runs_with_its_payload_and_is_completed_with_the_handlers_result() {
        coordinator.add("emails", "welcome-42", "{\"to\":\"ada@example.com\"}");

        worker((job, context) -> Map.of("sentTo", job.payload().path("to").asString()), 1);

        await().atMost(A_WHILE).until(() -> "succeeded".equals(coordinator.job("emails:welcome-42").state));
        var job = coordinator.job("emails:welcome-42");
        assertThat(job.result.path("sentTo").asString()).isEqualTo("ada@example.com");
        assertThat(job.workerId).isEqualTo("worker-1");
        assertThat(coordinator
                        .received("/complete")
                        .getFirst()
                        .body()
                        .path("fencingToken")
                        .asLong())
                .isEqualTo(1);
    }

    @Test
    void a_handler_that_throws_fails_the_attempt_as_retryable_and_a_permanent_failure_as_not_retryable() {
        coordinator.add("emails", "flaky", null);
        coordinator.add("emails", "bad-input", null);

        worker(
                (job, context) -> {
                    if (job.jobId().equals("flaky")) {
                        throw new IllegalStateException("SMTP timeout");
                    }
                    throw JobFailure.permanent("no such address");
                },
                1);

        await().atMost(A_WHILE).until(() -> coordinator.received("/fail").size() == 2);
        assertThat(coordinator.job("emails:flaky").error).contains("SMTP timeout");
        assertThat(coordinator.job("emails:flaky").retryable).isTrue();
        assertThat(coordinator.job("emails:flaky").state).isEqualTo("failed_will_retry");
        assertThat(coordinator.job("emails:bad-input").error).isEqualTo("no such address");
        assertThat(coordinator.job("emails:bad-input").state).isEqualTo("dead");
    }

    @Test
    void heartbeats_come_every_third_of_the_lease_and_carry_the_progress_the_job_reported() {
        coordinator.defaultLeaseSeconds(1).add("emails", "long", null);
        var release = new CountDownLatch(1);

        worker(
                (job, context) -> {
                    context.progress(40, "rendering");
                    release.await();
                    return null;
                },
                1);

        await().atMost(A_WHILE).until(() -> coordinator.received("/heartbeat").size() >= 3);
        release.countDown();
        await().atMost(A_WHILE).until(() -> "succeeded".equals(coordinator.job("emails:long").state));
        var heartbeat = coordinator.received("/heartbeat").getLast().body();
        assertThat(heartbeat.path("progress").asInt()).isEqualTo(40);
        assertThat(heartbeat.path("message").asString()).isEqualTo("rendering");
        assertThat(heartbeat.path("fencingToken").asLong()).isEqualTo(1);
        // Three heartbeats at a third of a 1 s lease take at least about a second; more than the lease itself would
        // not be a third.
        assertThat(coordinator.job("emails:long").heartbeatTokens).hasSizeGreaterThanOrEqualTo(3);
    }

    @Test
    void a_cancelled_job_is_interrupted_and_never_completed() {
        coordinator.defaultLeaseSeconds(1).add("emails", "cancel-me", null);
        var started = new CountDownLatch(1);
        var interrupted = new AtomicBoolean();
        var reason = new java.util.concurrent.atomic.AtomicReference<StopReason>();

        var running = worker(
                (job, context) -> {
                    started.countDown();
                    try {
                        new CountDownLatch(1).await();
                    } catch (InterruptedException e) {
                        interrupted.set(true);
                        reason.set(context.stopReason().orElse(null));
                    }
                    return "done anyway";
                },
                1);
        await().atMost(A_WHILE).until(() -> started.getCount() == 0);
        coordinator.cancel("emails:cancel-me");

        await().atMost(A_WHILE).until(() -> running.stats().stopped() == 1);
        assertThat(interrupted).isTrue();
        assertThat(reason.get().kind()).isEqualTo(StopReason.Kind.CANCELLED);
        assertThat(coordinator.received("/complete")).isEmpty();
        assertThat(coordinator.received("/fail")).isEmpty();
        assertThat(coordinator.job("emails:cancel-me").state).isEqualTo("cancelled");
        assertThat(log).anyMatch(line -> line.startsWith("Stopping emails:cancel-me") && line.contains("cancelled"));
    }

    @Test
    void a_job_whose_heartbeat_is_refused_as_stale_is_stopped_and_never_completed() {
        coordinator.defaultLeaseSeconds(1).add("emails", "stale", null);
        var started = new CountDownLatch(1);

        var running = worker(
                (job, context) -> {
                    started.countDown();
                    try {
                        new CountDownLatch(1).await();
                    } catch (InterruptedException e) {
                        // Stopped: return as a handler that ignores it would.
                    }
                    return "too late";
                },
                1);
        await().atMost(A_WHILE).until(() -> started.getCount() == 0);
        coordinator.refuseNextReport("emails:stale", "stale_token");

        await().atMost(A_WHILE).until(() -> running.stats().stopped() == 1);
        assertThat(coordinator.received("/complete")).isEmpty();
        assertThat(running.stats().succeeded()).isZero();
    }

    @Test
    void a_job_is_stopped_when_no_heartbeat_is_confirmed_before_its_lease_runs_out() {
        coordinator.defaultLeaseSeconds(1).heartbeatsUnavailable(true).add("emails", "cut-off", null);

        var running = worker(
                (job, context) -> {
                    new CountDownLatch(1).await();
                    return null;
                },
                1);

        await().atMost(A_WHILE).until(() -> running.stats().stopped() == 1);
        assertThat(coordinator.received("/complete")).isEmpty();
        assertThat(log).anyMatch(line -> line.contains("no heartbeat was confirmed before its 1 s lease ran out"));
    }

    @Test
    void log_lines_are_sent_in_batches_before_the_outcome() {
        coordinator.add("emails", "chatty", null);

        worker(
                (job, context) -> {
                    for (int i = 1; i <= 1500; i++) {
                        context.log("line " + i);
                    }
                    return null;
                },
                1);

        await().atMost(A_WHILE).until(() -> "succeeded".equals(coordinator.job("emails:chatty").state));
        var job = coordinator.job("emails:chatty");
        assertThat(job.logs).hasSize(1500).startsWith("line 1").endsWith("line 1500");
        assertThat(coordinator.received("/logs"))
                .hasSizeGreaterThanOrEqualTo(2)
                .allSatisfy(request ->
                        assertThat(request.body().path("lines").size()).isLessThanOrEqualTo(1000));
        var paths = coordinator.received().stream()
                .map(FakeJobCoordinator.Received::path)
                .toList();
        assertThat(paths.lastIndexOf("/api/jobs/emails:chatty/logs"))
                .isLessThan(paths.indexOf("/api/jobs/emails:chatty/complete"));
    }

    @Test
    void lines_beyond_the_buffer_are_dropped_oldest_first_with_a_marker() {
        coordinator.add("emails", "flood", null);
        worker = Worker.builder(client, "emails", (job, context) -> {
                    for (int i = 1; i <= 50; i++) {
                        context.log("line " + i);
                    }
                    return null;
                })
                .pollWait(Duration.ofSeconds(1))
                .logBufferLines(10)
                .logFlushInterval(Duration.ofMinutes(1))
                .logger(log::add)
                .build()
                .start();

        await().atMost(A_WHILE).until(() -> "succeeded".equals(coordinator.job("emails:flood").state));
        assertThat(coordinator.job("emails:flood").logs)
                .hasSize(11)
                .startsWith(
                        "[turnstile worker: 40 earlier lines dropped: the job wrote them faster than they could be"
                                + " sent]",
                        "line 41")
                .endsWith("line 50");
    }

    @Test
    void a_claim_next_whose_answer_was_lost_is_asked_again_with_the_same_request_id_and_gets_the_same_job() {
        coordinator.add("emails", "only", null);
        coordinator.loseAnswers(1);

        worker((job, context) -> null, 1);

        await().atMost(A_WHILE).until(() -> "succeeded".equals(coordinator.job("emails:only").state));
        var claims = coordinator.received("/claim-next");
        assertThat(claims.get(0).body().path("requestId").asString())
                .isEqualTo(claims.get(1).body().path("requestId").asString());
        assertThat(coordinator.job("emails:only").attempt).isEqualTo(1);
    }

    @Test
    void reports_that_get_503_are_retried_with_the_same_request_id() {
        coordinator.add("emails", "retry-me", null);
        var release = new CountDownLatch(1);
        worker(
                (job, context) -> {
                    release.await();
                    return null;
                },
                1);
        await().atMost(A_WHILE).until(() -> !worker.activeJobs().isEmpty());

        coordinator.unavailableFor(2);
        release.countDown();

        await().atMost(A_WHILE).until(() -> "succeeded".equals(coordinator.job("emails:retry-me").state));
        var completes = coordinator.received("/complete");
        assertThat(completes).hasSize(3);
        assertThat(completes)
                .extracting(r -> r.body().path("requestId").asString())
                .containsOnly(completes.getFirst().body().path("requestId").asString());
    }

    @Test
    void no_more_than_concurrency_jobs_run_at_once() {
        for (int i = 0; i < 12; i++) {
            coordinator.add("emails", "job-" + i, null);
        }
        var running = new AtomicInteger();
        var most = new AtomicInteger();
        var gate = new CountDownLatch(1);

        var started = worker(
                (job, context) -> {
                    most.accumulateAndGet(running.incrementAndGet(), Math::max);
                    gate.await();
                    running.decrementAndGet();
                    return null;
                },
                3);
        await().atMost(A_WHILE).until(() -> running.get() == 3);
        var heldWhileBlocked = started.activeJobs().size();
        gate.countDown();

        await().atMost(A_WHILE).until(() -> started.stats().succeeded() == 12);
        assertThat(heldWhileBlocked).isEqualTo(3);
        assertThat(most.get()).isEqualTo(3);
    }

    @Test
    void shutdown_takes_no_more_jobs_and_lets_the_held_ones_finish_and_be_reported() throws Exception {
        coordinator.add("emails", "held", null);
        var started = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        worker(
                (job, context) -> {
                    started.countDown();
                    release.await();
                    return "finished";
                },
                1);
        await().atMost(A_WHILE).until(() -> started.getCount() == 0);
        coordinator.add("emails", "not-taken", null);

        var shutdown = Thread.ofVirtual().start(() -> {
            try {
                assertThat(worker.shutdown(A_WHILE)).isTrue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        release.countDown();
        shutdown.join(A_WHILE);

        assertThat(coordinator.job("emails:held").state).isEqualTo("succeeded");
        assertThat(coordinator.job("emails:not-taken").state).isEqualTo("waiting");
    }

    @Test
    void a_job_still_running_when_the_shutdown_grace_runs_out_is_interrupted_and_failed_as_retryable()
            throws Exception {
        coordinator.add("emails", "slow", null);
        var started = new CountDownLatch(1);
        worker(
                (job, context) -> {
                    started.countDown();
                    new CountDownLatch(1).await();
                    return "never";
                },
                1);
        await().atMost(A_WHILE).until(() -> started.getCount() == 0);

        assertThat(worker.shutdown(Duration.ofMillis(200))).isFalse();

        var job = coordinator.job("emails:slow");
        assertThat(job.state).isEqualTo("failed_will_retry");
        assertThat(job.retryable).isTrue();
        assertThat(job.error).startsWith("worker shut down");
    }
}
