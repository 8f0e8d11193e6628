package dev.turnstile.allinone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.turnstile.client.jobs.JobClient;
import dev.turnstile.client.jobs.NewJob;
import dev.turnstile.client.jobs.Worker;
import dev.turnstile.contracts.job.Backoff;
import dev.turnstile.contracts.job.JobState;
import dev.turnstile.contracts.json.Json;
import dev.turnstile.dashboard.login.LocalDashboardLogin;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.env.Environment;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;

/**
 * Workers as users run them, against the all-in-one on its own broker: {@code claimctl worker} processes from the
 * built jar (killed with SIGKILL, stopped by a cancel, drained by SIGTERM), and Java {@link Worker}s draining a queue
 * over HTTP, checked against the committed {@code job-events} topic.
 */
class WorkQueueWorkersIT {

    /** Jobs and workers of the drain test; fewer for a quick local run with -Dturnstile.it.jobs=200. */
    private static final int JOBS = Integer.getInteger("turnstile.it.jobs", 2000);

    private static final int WORKERS = Integer.getInteger("turnstile.it.workers", 8);

    private static final Duration A_WHILE = Duration.ofSeconds(90);

    private static Path dataDir;
    private static TurnstileLauncher launcher;
    private static Path claimctlJar;
    private static URI url;

    private final List<Process> processes = new ArrayList<>();

    @TempDir
    Path dir;

    @BeforeAll
    static void startTurnstile() throws IOException {
        dataDir = Files.createTempDirectory("turnstile-workers-");
        launcher = new TurnstileLauncher();
        int exit = new CommandLine(launcher)
                .execute("--http-port=0", "--kafka-port=0", "--controller-port=0", "--data-dir=" + dataDir);
        assertThat(exit).isZero();
        url = URI.create("http://127.0.0.1:" + launcher.httpPort());
        var built = Path.of(System.getProperty("claimctl.jar", "../../claim-client/target/claimctl.jar"));
        assertThat(built)
                .as("claimctl.jar; build it with ./mvnw package -pl claim-client -am")
                .exists();
        // A copy, so that a rebuild while the test runs does not pull the jar from under the workers.
        claimctlJar = Files.copy(built, dataDir.resolve("claimctl.jar"), StandardCopyOption.REPLACE_EXISTING);
    }

    @AfterAll
    static void stopTurnstile() throws IOException {
        if (launcher != null) {
            launcher.shutdown();
        }
        try (var paths = Files.walk(dataDir)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        }
    }

    @AfterEach
    void stopWorkers() {
        for (var process : processes) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    @Test
    void
            a_worker_process_killed_with_sigkill_mid_job_loses_it_when_its_lease_runs_out_and_another_worker_runs_attempt_2()
                    throws Exception {
        try (var jobs = jobClient()) {
            jobs.enqueue(
                    "kill-q",
                    NewJob.named("sleepy")
                            .jobId("job-1")
                            .lease(Duration.ofSeconds(3))
                            .backoff(Backoff.fixed(0))
                            .maxAttempts(3));
        }
        // The first attempt never ends on its own; the second succeeds.
        var script = "touch \"" + dir + "/started-$TURNSTILE_JOB_ATTEMPT\"; echo \"attempt $TURNSTILE_JOB_ATTEMPT on"
                + " $TURNSTILE_WORKER_ID\"; if [ \"$TURNSTILE_JOB_ATTEMPT\" = 1 ]; then while true; do sleep 0.2; done;"
                + " fi";
        var first = worker("kill-q", "worker-a", script);
        await().atMost(A_WHILE).until(() -> Files.exists(dir.resolve("started-1")));

        var orphans = first.descendants().toList();
        first.destroyForcibly();
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        long killedAt = System.nanoTime();
        orphans.forEach(ProcessHandle::destroyForcibly);
        var second = worker("kill-q", "worker-b", script);

        await().atMost(A_WHILE)
                .until(() ->
                        "succeeded".equals(job("kill-q:job-1").path("state").asString()));
        double seconds = (System.nanoTime() - killedAt) / 1e9;
        System.out.printf(
                "SIGKILL of worker-a mid-job: job-1 succeeded as attempt 2 on worker-b %.1f s later" + " (3 s lease)%n",
                seconds);
        assertThat(first.exitValue()).isEqualTo(137);
        var job = job("kill-q:job-1");
        assertThat(job.path("attempt").asInt()).isEqualTo(2);
        assertThat(job.path("workerId").asString()).isEqualTo("worker-b");
        assertThat(job.path("lastFailure").asString()).isEqualTo("lease_expired");
        assertThat(steps(job, "JobClaimed", "JobFailed", "JobSucceeded"))
                .containsExactly(
                        "JobClaimed 1 worker-a",
                        "JobFailed 1 worker-a",
                        "JobClaimed 2 worker-b",
                        "JobSucceeded 2 worker-b");
        assertThat(seconds).as("the job waited for the lease to run out").isGreaterThan(1.0);

        second.destroy();
        assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(second.exitValue())
                .as("SIGTERM to an idle worker drains at once: %s", output("worker-b"))
                .isZero();
    }

    @Test
    void cancelling_an_active_job_stops_the_workers_command_and_the_job_ends_cancelled_never_completed()
            throws Exception {
        try (var jobs = jobClient()) {
            jobs.enqueue("cancel-q", NewJob.named("endless").jobId("cancel-me").lease(Duration.ofSeconds(3)));
        }
        var worker = worker(
                "cancel-q",
                "worker-c",
                "trap 'touch \"" + dir + "/terminated\"; exit 143' TERM; touch \"" + dir
                        + "/started\"; while true; do sleep 0.2; done");
        await().atMost(A_WHILE).until(() -> Files.exists(dir.resolve("started")));

        var login = LocalDashboardLogin.loadOrCreate(dataDir);
        try (var operator =
                JobClient.builder(url).operator(login.user(), login.password()).build()) {
            var cancelled = operator.cancel("cancel-q", "cancel-me");
            assertThat(cancelled.accepted()).as(cancelled.message()).isTrue();
            assertThat(cancelled.previousState()).isEqualTo(JobState.ACTIVE);
        }

        await().atMost(A_WHILE).until(() -> Files.exists(dir.resolve("terminated")));
        await().atMost(A_WHILE)
                .until(() -> "cancelled"
                        .equals(job("cancel-q:cancel-me").path("state").asString()));
        assertThat(steps(job("cancel-q:cancel-me"), "JobSucceeded", "JobFailed", "JobCancelled"))
                .containsExactly("JobCancelled 1 worker-c");
        assertThat(worker.isAlive()).as("the worker goes on taking jobs").isTrue();
        await().atMost(A_WHILE).until(() -> output("worker-c").contains("cancel-q:cancel-me: sending SIGTERM to sh"));

        worker.destroy();
        assertThat(worker.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(worker.exitValue()).isZero();
        assertThat(output("worker-c")).contains("Stopped cancel-q:cancel-me (attempt 1); nothing reported");
    }

    @Test
    void eight_workers_drain_two_thousand_jobs_each_completed_exactly_once_and_never_held_under_two_tokens()
            throws Exception {
        var queue = "drain-q";
        long enqueueStart = System.nanoTime();
        try (var jobs = jobClient();
                var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var sent = new AtomicInteger();
            var tasks = IntStream.range(0, 32)
                    .mapToObj(lane -> pool.submit(() -> {
                        for (int i = sent.getAndIncrement(); i < JOBS; i = sent.getAndIncrement()) {
                            jobs.enqueue(
                                    queue,
                                    NewJob.named("noop").jobId("job-" + i).payloadOf(Map.of("n", i)));
                        }
                        return null;
                    }))
                    .toList();
            for (var task : tasks) {
                task.get();
            }
        }
        double enqueueSeconds = (System.nanoTime() - enqueueStart) / 1e9;
        var runs = new ConcurrentHashMap<String, AtomicInteger>();
        var workers = new ArrayList<Worker>();
        long drainStart = System.nanoTime();
        try (var jobs = jobClient()) {
            for (int w = 1; w <= WORKERS; w++) {
                workers.add(Worker.builder(jobs, queue, (job, context) -> {
                            runs.computeIfAbsent(job.jobId(), id -> new AtomicInteger())
                                    .incrementAndGet();
                            return Map.of("n", job.payload().path("n").asInt());
                        })
                        .workerId("java-worker-" + w)
                        .pollWait(Duration.ofSeconds(1))
                        .logger(line -> {})
                        .build()
                        .start());
            }
            await().atMost(Duration.ofMinutes(10))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> workers.stream()
                                    .mapToLong(w -> w.stats().succeeded())
                                    .sum()
                            >= JOBS);
            double drainSeconds = (System.nanoTime() - drainStart) / 1e9;
            for (var worker : workers) {
                worker.shutdown(Duration.ofSeconds(5));
            }
            System.out.printf(
                    "%d workers drained %d jobs in %.1f s (%.0f jobs/s; enqueued in %.1f s, %.0f/s)%n",
                    WORKERS, JOBS, drainSeconds, JOBS / drainSeconds, enqueueSeconds, JOBS / enqueueSeconds);
        }

        var check = JobEventsCheck.of(readJobEvents(queue));
        System.out.println("job-events of " + queue + ": " + check.summary());
        assertThat(check.violations()).isEmpty();
        assertThat(check.enqueued()).hasSize(JOBS);
        assertThat(check.succeededTimes())
                .hasSize(JOBS)
                .allSatisfy((jobId, times) -> assertThat(times).isOne());
        assertThat(workers).allSatisfy(w -> assertThat(w.stats().unrecorded()).isZero());
        assertThat(runs).hasSize(JOBS);
        assertThat(workers.stream().mapToLong(w -> w.stats().succeeded()).sum()).isEqualTo(JOBS);
        assertThat(workers)
                .as("every worker took jobs")
                .allSatisfy(w -> assertThat(w.stats().claimed()).isPositive());
    }

    /**
     * What a queue's events say about its jobs, read in decision order: a claim while another attempt of the job is
     * active, a report under a token other than the active one, or a token that does not increase is a violation.
     */
    record JobEventsCheck(
            List<String> enqueued,
            Map<String, Integer> succeededTimes,
            List<String> violations,
            int claims,
            int events) {

        static JobEventsCheck of(List<JsonNode> events) {
            var enqueued = new ArrayList<String>();
            var succeeded = new HashMap<String, Integer>();
            var violations = new ArrayList<String>();
            var active = new HashMap<String, Long>();
            var lastToken = new HashMap<String, Long>();
            int claims = 0;
            for (var event : events) {
                if (event.path("redelivery").asBoolean(false)) {
                    continue;
                }
                var jobId = event.path("jobId").asString(null);
                long token = event.path("fencingToken").asLong(0);
                switch (event.path("type").asString()) {
                    case "JobEnqueued" -> enqueued.add(jobId);
                    case "JobClaimed" -> {
                        claims++;
                        if (active.containsKey(jobId)) {
                            violations.add(jobId + " claimed with token " + token + " while token " + active.get(jobId)
                                    + " was active (" + event.path("eventId").asString() + ")");
                        }
                        if (token <= lastToken.getOrDefault(jobId, 0L)) {
                            violations.add(jobId + " token " + token + " does not increase");
                        }
                        active.put(jobId, token);
                        lastToken.put(jobId, token);
                    }
                    case "JobSucceeded", "JobFailed" -> {
                        var holder = active.remove(jobId);
                        if (holder == null || holder != token) {
                            violations.add(jobId + " " + event.path("type").asString() + " under token " + token
                                    + " while the active token was " + holder);
                        }
                        if (event.path("type").asString().equals("JobSucceeded")) {
                            succeeded.merge(jobId, 1, Integer::sum);
                        }
                    }
                    case "JobCancelled" -> active.remove(jobId);
                    default -> {
                        // Heartbeats, logs, parked claim-nexts, empty answers: no change of holder.
                    }
                }
            }
            return new JobEventsCheck(enqueued, succeeded, violations, claims, events.size());
        }

        String summary() {
            return events + " events, " + enqueued.size() + " jobs enqueued, " + claims + " claims, "
                    + succeededTimes.size() + " jobs succeeded, " + violations.size() + " violations";
        }
    }

    /** Every committed event of {@code queue} on job-events, in decision order. */
    private static List<JsonNode> readJobEvents(String queue) {
        var properties = new Properties();
        properties.put(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                launcher.bean(Environment.class).getProperty("spring.kafka.bootstrap-servers"));
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        var events = new ArrayList<JsonNode>();
        try (var consumer = new KafkaConsumer<>(properties, new StringDeserializer(), new StringDeserializer())) {
            var partitions = consumer.partitionsFor("job-events").stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            var end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (var record : consumer.poll(Duration.ofMillis(500))) {
                    if (queue.equals(record.key())) {
                        events.add(Json.MAPPER.readTree(record.value()));
                    }
                }
            }
        }
        return events;
    }

    private static JobClient jobClient() {
        return JobClient.builder(url).logger(line -> {}).build();
    }

    /** {@code claimctl worker} from the built jar, as its own process, its output in {@code <id>.log}. */
    private Process worker(String queue, String workerId, String script) throws IOException {
        var command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                claimctlJar.toString(),
                "worker",
                "--url",
                url.toString(),
                "--queue",
                queue,
                "--worker-id",
                workerId,
                "--poll-wait",
                "1s",
                "--kill-grace",
                "5s",
                "--",
                "sh",
                "-c",
                script);
        var process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(workerId + ".log").toFile())
                .start();
        processes.add(process);
        return process;
    }

    private String output(String workerId) {
        try {
            return Files.readString(dir.resolve(workerId + ".log"));
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    /** The job as the read model has it, as the local login reads it. */
    private static JsonNode job(String id) throws Exception {
        var login = LocalDashboardLogin.loadOrCreate(dataDir);
        var basic = Base64.getEncoder()
                .encodeToString((login.user() + ":" + login.password()).getBytes(StandardCharsets.UTF_8));
        try (var http = HttpClient.newHttpClient()) {
            var response = http.send(
                    HttpRequest.newBuilder(url.resolve("/api/jobs/" + id))
                            .header("Authorization", "Basic " + basic)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200
                    ? Json.MAPPER.readTree(response.body())
                    : Json.MAPPER.createObjectNode();
        }
    }

    /** The job's timeline entries of these types, as "type attempt worker". */
    private static List<String> steps(JsonNode job, String... types) {
        var wanted = List.of(types);
        var steps = new ArrayList<String>();
        for (var entry : job.path("timeline").path("items")) {
            if (wanted.contains(entry.path("type").asString())) {
                steps.add(entry.path("type").asString() + " "
                        + entry.path("attempt").asInt() + " "
                        + entry.path("workerId").asString(""));
            }
        }
        return steps;
    }
}
