package dev.turnstile.projections.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.turnstile.contracts.job.AppendJobLogs;
import dev.turnstile.contracts.job.AttachJobArtifact;
import dev.turnstile.contracts.job.ClaimNextJob;
import dev.turnstile.contracts.job.CompleteJob;
import dev.turnstile.contracts.job.EnqueueJob;
import dev.turnstile.contracts.job.FailJob;
import dev.turnstile.contracts.job.HeartbeatJob;
import dev.turnstile.contracts.job.JobCommand;
import dev.turnstile.contracts.job.JobCommandHeader;
import dev.turnstile.contracts.job.TimerCommand;
import dev.turnstile.contracts.json.Json;
import dev.turnstile.contracts.topic.JobTopics;
import dev.turnstile.kafka.local.SharedTestKafka;
import dev.turnstile.processor.ProcessorTopology;
import dev.turnstile.processor.claim.ClaimProcessorService;
import dev.turnstile.processor.config.ProcessorProperties;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import tools.jackson.core.type.TypeReference;

/**
 * The job read model's HTTP API (reads, live streams, operator requests) on the real broker: the production processor
 * decides the commands a test writes to {@code job-requests} (standing in for the gateway), the read model reads
 * {@code job-events} as it ships, and an analyst and an operator call the API as other tools would.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobHttpApiIT {

    private static final String ANALYST = "analyst:read-only-secret";
    private static final String OPERATOR = "operator:operator-secret";
    private static final int MAX_STREAMS = 4;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private String bootstrap;
    private JobTopics topics;
    private ClaimProcessorService processor;
    private KafkaProducer<String, JobCommand> producer;
    private ConfigurableApplicationContext app;
    private String base;

    /** A web application with the projections module's auto-configuration, Spring Security and two users. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {}

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        bootstrap = SharedTestKafka.bootstrapServers();
        var claimTopics = SharedTestKafka.freshClaimTopics();
        topics = SharedTestKafka.freshJobTopics();
        var settings = ProcessorProperties.defaults(
                SharedTestKafka.uniqueName("job-http"), dir.resolve("processor").toString());
        processor = new ClaimProcessorService(
                settings.toStreamsConfig(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap), claimTopics),
                ProcessorTopology.build(
                        claimTopics,
                        Duration.ofSeconds(1),
                        settings.requestMemory(),
                        topics,
                        settings.jobs().topologySettings(settings.requestMemory())));
        processor.start();
        assertThat(processor.awaitRunning(Duration.ofSeconds(90))).isTrue();
        producer = new KafkaProducer<>(
                Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                topics.requests().keySerde().serializer(),
                topics.requests().valueSerde().serializer());
        var users = new InMemoryUserDetailsManager(
                User.withUsername("analyst")
                        .password("{noop}read-only-secret")
                        .roles("ANALYST")
                        .build(),
                User.withUsername("operator")
                        .password("{noop}operator-secret")
                        .roles("OPERATOR")
                        .build());
        app = new SpringApplicationBuilder(App.class)
                .initializers(context -> context.getBeanFactory().registerSingleton("users", users))
                .properties(Map.ofEntries(
                        Map.entry("server.port", "0"),
                        Map.entry("spring.kafka.bootstrap-servers", bootstrap),
                        Map.entry(
                                "turnstile.topics.requests",
                                claimTopics.requests().name()),
                        Map.entry(
                                "turnstile.topics.decisions",
                                claimTopics.decisions().name()),
                        Map.entry(
                                "turnstile.topics.job-requests",
                                topics.requests().name()),
                        Map.entry("turnstile.topics.job-events", topics.events().name()),
                        Map.entry("turnstile.processor.enabled", "false"),
                        Map.entry(
                                "turnstile.projections.state-dir",
                                dir.resolve("activity").toString()),
                        Map.entry("turnstile.projections.jobs.max-streams", Integer.toString(MAX_STREAMS)),
                        // A closed stream is noticed at its next write: soon, so that the cap frees up between tests.
                        Map.entry("turnstile.projections.jobs.stream-heartbeat", "300ms"),
                        Map.entry("spring.main.banner-mode", "off")))
                .run();
        base = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");
    }

    @AfterAll
    void stop() {
        if (app != null) {
            app.close();
        }
        if (producer != null) {
            producer.close();
        }
        if (processor != null) {
            processor.close();
        }
    }

    @Nested
    class Reads {

        @Test
        void queues_are_listed_with_their_counts_by_state_pause_and_concurrency_limit() throws Exception {
            var queue = queue("list");
            enqueue(queue, "a", "send");
            enqueue(queue, "b", "send");
            claim(queue, "worker-1");
            awaitJob(queue, "a", "active");

            var answer = get("/api/queues", ANALYST);

            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.json()).containsKey("ready");
            assertThat(list(answer.json().get("queues")))
                    .filteredOn(q -> queue.equals(q.get("queue")))
                    .singleElement()
                    .satisfies(q -> {
                        assertThat(q).containsEntry("total", 2).containsEntry("paused", false);
                        assertThat(map(q.get("counts")))
                                .containsEntry("waiting", 1)
                                .containsEntry("active", 1)
                                .containsEntry("failed_will_retry", 0);
                    });
        }

        @Test
        void a_queues_jobs_are_listed_newest_first_filtered_by_state_and_name_and_paged_by_cursor() throws Exception {
            var queue = queue("page");
            for (int i = 1; i <= 5; i++) {
                enqueue(queue, "job-" + i, i % 2 == 0 ? "even" : "odd");
            }
            awaitJob(queue, "job-5", "waiting");

            var first = get("/api/queues/" + queue + "/jobs?limit=2", ANALYST);
            var next = get(
                    "/api/queues/" + queue + "/jobs?limit=2&cursor="
                            + first.json().get("nextCursor"),
                    ANALYST);
            var odd = get("/api/queues/" + queue + "/jobs?name=odd&state=waiting", ANALYST);

            assertThat(ids(first)).containsExactly(queue + ":job-5", queue + ":job-4");
            assertThat(ids(next)).containsExactly(queue + ":job-3", queue + ":job-2");
            assertThat(ids(odd)).containsExactly(queue + ":job-5", queue + ":job-3", queue + ":job-1");
            assertThat(odd.json()).containsEntry("nextCursor", null);
        }

        @Test
        void a_job_answers_with_its_timeline_progress_logs_and_artifacts() throws Exception {
            var queue = queue("detail");
            enqueue(queue, "report-1", "render-report");
            claim(queue, "worker-1");
            var token = token(awaitJob(queue, "report-1", "active"));
            send(new HeartbeatJob(header(queue), "report-1", "worker-1", token, 60, "rendering page 3", Instant.now()));
            send(new AppendJobLogs(
                    header(queue), "report-1", "worker-1", token, List.of("start", "page 3"), Instant.now()));
            send(new AttachJobArtifact(
                    header(queue),
                    "report-1",
                    "worker-1",
                    token,
                    "report.pdf",
                    "s3://reports/report-1.pdf",
                    2048,
                    "b".repeat(64),
                    "application/pdf",
                    Instant.now()));
            send(new CompleteJob(
                    header(queue),
                    "report-1",
                    "worker-1",
                    token,
                    Json.MAPPER.valueToTree(Map.of("pages", 3)),
                    Instant.now()));

            var job = awaitJob(queue, "report-1", "succeeded");

            assertThat(job)
                    .containsEntry("id", queue + ":report-1")
                    .containsEntry("name", "render-report")
                    .containsEntry("progress", 60)
                    .containsEntry("progressMessage", "rendering page 3")
                    .containsEntry("result", Map.of("pages", 3))
                    .containsEntry("workerId", "worker-1")
                    .containsEntry("attempt", 1);
            assertThat(list(map(job.get("timeline")).get("items")))
                    .extracting(entry -> entry.get("type"))
                    .containsExactly("JobEnqueued", "JobClaimed", "JobArtifactAttached", "JobSucceeded");
            assertThat(map(job.get("logs"))).containsEntry("dropped", 0);
            assertThat(list(map(job.get("logs")).get("items")))
                    .extracting(line -> line.get("text"))
                    .containsExactly("start", "page 3");
            assertThat(list(map(job.get("artifacts")).get("items")))
                    .singleElement()
                    .satisfies(a ->
                            assertThat(a).containsEntry("name", "report.pdf").containsEntry("bytes", 2048));
        }

        @Test
        void an_unknown_job_is_404_and_a_job_named_without_its_queue_is_400() throws Exception {
            var unknown = get("/api/jobs/" + queue("none") + ":nobody", ANALYST);
            var unqualified = get("/api/jobs/nobody", ANALYST);

            assertThat(unknown.status()).isEqualTo(404);
            assertThat(unknown.json()).containsEntry("error", "unknown_job");
            assertThat(unqualified.status()).isEqualTo(400);
            assertThat(violations(unqualified))
                    .singleElement()
                    .satisfies(
                            v -> assertThat(v).containsEntry("field", "jobId").containsEntry("rule", "format"));
        }

        @Test
        void bad_parameters_get_400_naming_the_parameter_and_rule() throws Exception {
            var queue = queue("params");
            Map<String, String> cases = Map.of(
                    "/api/queues/" + queue + "/jobs?state=maybe",
                    "state:enum",
                    "/api/queues/" + queue + "/jobs?limit=0",
                    "limit:range",
                    "/api/queues/" + queue + "/jobs?cursor=nonsense",
                    "cursor:cursor",
                    "/api/queues/bad:queue/jobs",
                    "queue:pattern",
                    "/api/queues/" + queue + "/jobs?name=%20padded%20x%01",
                    "name:pattern");
            for (var entry : cases.entrySet()) {
                var answer = get(entry.getKey(), ANALYST);
                var expected = entry.getValue().split(":");
                assertThat(answer.status()).as(entry.getKey()).isEqualTo(400);
                assertThat(violations(answer))
                        .as(entry.getKey())
                        .anySatisfy(v -> assertThat(v)
                                .containsEntry("field", expected[0])
                                .containsEntry("rule", expected[1]));
            }
        }

        @Test
        void reads_need_a_signed_in_user() throws Exception {
            var anonymous = get("/api/queues", null);
            var wrongPassword = get("/api/queues", "analyst:guess");

            assertThat(anonymous.status()).isEqualTo(401);
            assertThat(anonymous.json()).containsEntry("error", "unauthorized");
            assertThat(anonymous.headers().firstValue("WWW-Authenticate"))
                    .hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));
            assertThat(wrongPassword.status()).isEqualTo(401);
        }
    }

    @Nested
    class Operators {

        @Test
        void an_analyst_gets_403_on_every_operator_request_and_nothing_is_written() throws Exception {
            var queue = queue("analyst");
            enqueue(queue, "a", "send");
            awaitJob(queue, "a", "waiting");
            var id = queue + ":a";

            var answers = List.of(
                    post("/api/jobs/" + id + "/cancel", "", ANALYST),
                    post("/api/jobs/" + id + "/retry", "", ANALYST),
                    request("DELETE", "/api/jobs/" + id, null, ANALYST),
                    post("/api/queues/" + queue + "/pause", "", ANALYST),
                    post("/api/queues/" + queue + "/resume", "", ANALYST),
                    request("PUT", "/api/queues/" + queue + "/settings", "{\"concurrency\":1}", ANALYST),
                    post("/api/queues/" + queue + "/clean", "{\"states\":[\"succeeded\"]}", ANALYST));

            assertThat(answers).allSatisfy(answer -> {
                assertThat(answer.status()).isEqualTo(403);
                assertThat(answer.json()).containsEntry("error", "forbidden");
                assertThat((String) answer.json().get("message")).contains("OPERATOR role");
            });
            assertThat(post("/api/jobs/" + id + "/cancel", "", null).status()).isEqualTo(401);
            assertThat(requestsOf(queue)).as("only the test's own enqueue").hasSize(1);
        }

        @Test
        void an_operator_cancels_a_waiting_job_and_the_read_model_already_shows_it_when_answered() throws Exception {
            var queue = queue("cancel");
            enqueue(queue, "a", "send");
            awaitJob(queue, "a", "waiting");

            var cancelled = post("/api/jobs/" + queue + ":a/cancel", "", OPERATOR);
            var job = get("/api/jobs/" + queue + ":a", ANALYST);
            var again = post("/api/jobs/" + queue + ":a/cancel", "", OPERATOR);

            assertThat(cancelled.status()).isEqualTo(200);
            assertThat(cancelled.json())
                    .containsEntry("accepted", true)
                    .containsEntry("result", "cancelled")
                    .containsEntry("previousState", "waiting")
                    .containsEntry("state", "cancelled")
                    .containsKeys("requestId", "eventId");
            assertThat(job.json()).containsEntry("state", "cancelled").containsEntry("cancelledBy", "operator");
            assertThat(again.status()).isEqualTo(409);
            assertThat(again.json()).containsEntry("reason", "job_finished").containsEntry("accepted", false);
        }

        @Test
        void a_dead_job_is_retried_an_active_one_is_not_deleted_and_a_finished_one_is() throws Exception {
            var queue = queue("retry");
            send(EnqueueJob.of(queue, "req-" + UUID.randomUUID(), "a", "send", null, Instant.now())
                    .withMaxAttempts(1));
            enqueue(queue, "b", "send");
            claim(queue, "worker-1");
            var token = token(awaitJob(queue, "a", "active"));
            send(new FailJob(header(queue), "a", "worker-1", token, "boom", true, Instant.now()));
            awaitJob(queue, "a", "dead");
            claim(queue, "worker-2");
            awaitJob(queue, "b", "active");

            var retried = post("/api/jobs/" + queue + ":a/retry", "{\"requestId\":\"retry-" + run + "\"}", OPERATOR);
            var notRetryable = post("/api/jobs/" + queue + ":b/retry", "", OPERATOR);
            var activeDelete = request("DELETE", "/api/jobs/" + queue + ":b", null, OPERATOR);
            var cancelB = post("/api/jobs/" + queue + ":b/cancel", "", OPERATOR);
            var deleted = request("DELETE", "/api/jobs/" + queue + ":b", null, OPERATOR);
            var unknown = post("/api/jobs/" + queue + ":nobody/cancel", "", OPERATOR);

            assertThat(retried.status()).isEqualTo(200);
            assertThat(retried.json())
                    .containsEntry("result", "retried")
                    .containsEntry("previousState", "dead")
                    .containsEntry("requestId", "retry-" + run);
            assertThat(notRetryable.status()).isEqualTo(409);
            assertThat(notRetryable.json()).containsEntry("reason", "not_retryable");
            assertThat(activeDelete.status()).isEqualTo(409);
            assertThat(activeDelete.json()).containsEntry("reason", "job_active");
            assertThat(cancelB.json()).containsEntry("previousState", "active");
            assertThat(deleted.status()).isEqualTo(200);
            assertThat(deleted.json()).containsEntry("result", "deleted");
            assertThat(get("/api/jobs/" + queue + ":b", ANALYST).status()).isEqualTo(404);
            assertThat(unknown.status()).isEqualTo(404);
            assertThat(unknown.json()).containsEntry("reason", "unknown_job");
        }

        @Test
        void an_operator_pauses_resumes_and_limits_a_queue() throws Exception {
            var queue = queue("pause");

            var paused = post("/api/queues/" + queue + "/pause", "", OPERATOR);
            var pausedAgain = post("/api/queues/" + queue + "/pause", "", OPERATOR);
            var limited = request("PUT", "/api/queues/" + queue + "/settings", "{\"concurrency\":3}", OPERATOR);
            var overview = get("/api/queues", ANALYST);
            var resumed = post("/api/queues/" + queue + "/resume", "", OPERATOR);
            var unlimited = request("PUT", "/api/queues/" + queue + "/settings", "{\"concurrency\":null}", OPERATOR);

            assertThat(paused.status()).isEqualTo(200);
            assertThat(paused.json()).containsEntry("result", "paused").containsEntry("queue", queue);
            assertThat(pausedAgain.status()).isEqualTo(409);
            assertThat(pausedAgain.json()).containsEntry("reason", "already_paused");
            assertThat(limited.json()).containsEntry("result", "configured").containsEntry("concurrency", 3);
            assertThat(list(overview.json().get("queues")))
                    .filteredOn(q -> queue.equals(q.get("queue")))
                    .singleElement()
                    .satisfies(q -> assertThat(q).containsEntry("paused", true).containsEntry("concurrency", 3));
            assertThat(resumed.json()).containsEntry("result", "resumed");
            assertThat(unlimited.json()).containsEntry("result", "configured").doesNotContainKey("concurrency");
        }

        @Test
        void clean_drops_finished_jobs_from_the_read_model_only() throws Exception {
            var queue = queue("clean");
            enqueue(queue, "a", "send");
            claim(queue, "worker-1");
            var token = token(awaitJob(queue, "a", "active"));
            send(new CompleteJob(header(queue), "a", "worker-1", token, null, Instant.now()));
            awaitJob(queue, "a", "succeeded");

            var cleaned = post(
                    "/api/queues/" + queue + "/clean",
                    "{\"states\":[\"succeeded\",\"dead\"],\"olderThanSeconds\":0}",
                    OPERATOR);

            assertThat(cleaned.status()).isEqualTo(200);
            assertThat(cleaned.json())
                    .containsEntry("removed", 1)
                    .containsEntry("states", List.of("dead", "succeeded"));
            assertThat(get("/api/jobs/" + queue + ":a", ANALYST).status()).isEqualTo(404);
            assertThat(eventTypes(queue)).as("the log keeps the job").contains("JobEnqueued", "JobSucceeded");
        }

        @Test
        void bad_operator_requests_get_400_or_415_and_nothing_is_written() throws Exception {
            var queue = queue("badop");
            var cases = List.of(
                    new Object[] {
                        post("/api/queues/" + queue + "/clean", "{\"states\":[\"active\"]}", OPERATOR), "states", "enum"
                    },
                    new Object[] {post("/api/queues/" + queue + "/clean", "{}", OPERATOR), "states", "required"},
                    new Object[] {
                        request("PUT", "/api/queues/" + queue + "/settings", "{\"concurrency\":0}", OPERATOR),
                        "concurrency",
                        "range"
                    },
                    new Object[] {
                        request("PUT", "/api/queues/" + queue + "/settings", "{}", OPERATOR), "concurrency", "required"
                    },
                    new Object[] {
                        post("/api/queues/" + queue + "/pause", "{\"reason\":\"x\"}", OPERATOR), "reason", "unknown"
                    },
                    new Object[] {
                        post("/api/jobs/" + queue + ":a/cancel", "{\"requestId\":\"x\"}", OPERATOR),
                        "requestId",
                        "pattern"
                    },
                    new Object[] {post("/api/jobs/a/cancel", "", OPERATOR), "jobId", "format"});
            for (var each : cases) {
                var answer = (Response) each[0];
                assertThat(answer.status()).as(answer.body()).isEqualTo(400);
                assertThat(violations(answer))
                        .anySatisfy(v ->
                                assertThat(v).containsEntry("field", each[1]).containsEntry("rule", each[2]));
            }
            var notJson = request("POST", "/api/queues/" + queue + "/pause", "", OPERATOR, "text/plain");

            assertThat(notJson.status()).isEqualTo(415);
            assertThat(requestsOf(queue, "a")).isEmpty();
        }
    }

    @Nested
    class LiveStreams {

        @Test
        void a_queue_stream_delivers_events_as_they_happen_and_resumes_after_the_last_event_id() throws Exception {
            var queue = queue("sse");
            try (var stream = open("/api/queues/" + queue + "/events", null)) {
                assertThat(stream.comment()).isEqualTo("events of queue " + queue);
                enqueue(queue, "a", "send");
                claim(queue, "worker-1");

                var enqueued = stream.event();
                var claimed = stream.event();

                assertThat(enqueued.id()).isEqualTo(queue + "#1");
                assertThat(enqueued.name()).isEqualTo("JobEnqueued");
                assertThat(enqueued.json()).containsEntry("jobId", "a").doesNotContainKey("payload");
                assertThat(claimed.name()).isEqualTo("JobClaimed");
            }
            enqueue(queue, "b", "send");
            awaitJob(queue, "b", "waiting");

            try (var resumed = open("/api/queues/" + queue + "/events", queue + "#1")) {
                resumed.comment();
                var events = List.of(resumed.event(), resumed.event());

                assertThat(events).extracting(SseEvent::name).containsExactly("JobClaimed", "JobEnqueued");
                assertThat(events.getLast().json()).containsEntry("jobId", "b");
            }
        }

        @Test
        void a_job_stream_delivers_only_that_jobs_events() throws Exception {
            var queue = queue("jobsse");
            enqueue(queue, "a", "send");
            enqueue(queue, "b", "send");
            awaitJob(queue, "b", "waiting");

            try (var stream = open("/api/jobs/" + queue + ":b/events", queue + "#0")) {
                stream.comment();
                var first = stream.event();
                claim(queue, "worker-1");
                claim(queue, "worker-2");
                var claimed = stream.event();

                assertThat(first.json()).containsEntry("type", "JobEnqueued").containsEntry("jobId", "b");
                assertThat(claimed.json())
                        .containsEntry("type", "JobClaimed")
                        .containsEntry("jobId", "b")
                        .containsEntry("workerId", "worker-2");
            }
        }

        @Test
        void a_stream_with_a_last_event_id_of_another_queue_gets_400_and_streams_beyond_the_cap_get_503()
                throws Exception {
            var queue = queue("cap");
            var wrongId = get("/api/queues/" + queue + "/events?lastEventId=other%2342", ANALYST);
            assertThat(wrongId.status()).isEqualTo(400);
            assertThat(violations(wrongId))
                    .singleElement()
                    .satisfies(v -> assertThat(v)
                            .containsEntry("field", "Last-Event-ID")
                            .containsEntry("rule", "format"));

            var meters = app.getBean(io.micrometer.core.instrument.MeterRegistry.class);
            await().atMost(Duration.ofSeconds(10))
                    .until(() ->
                            meters.get("turnstile.jobs.streams.open").gauge().value() == 0);
            var streams = new ArrayList<SseClient>();
            try {
                for (int i = 0; i < MAX_STREAMS; i++) {
                    var stream = open("/api/queues/" + queue + "/events", null);
                    stream.comment();
                    streams.add(stream);
                }
                var refused = get("/api/queues/" + queue + "/events", ANALYST);

                assertThat(refused.status()).isEqualTo(503);
                assertThat(refused.json()).containsEntry("error", "too_many_streams");
                assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            } finally {
                streams.forEach(SseClient::close);
            }
        }

        @Test
        void a_stream_needs_a_signed_in_user() throws Exception {
            assertThat(get("/api/queues/" + queue("anon") + "/events", null).status())
                    .isEqualTo(401);
        }
    }

    // ------------------------------------------------------------------ helpers

    record Response(int status, String body, java.net.http.HttpHeaders headers) {

        Map<String, Object> json() {
            return body.isEmpty() ? Map.of() : Json.MAPPER.readValue(body, new TypeReference<Map<String, Object>>() {});
        }
    }

    record SseEvent(String id, String name, String data) {

        Map<String, Object> json() {
            return Json.MAPPER.readValue(data, new TypeReference<Map<String, Object>>() {});
        }
    }

    /** A Server-Sent Events client as thin as a browser's: lines in, events and comments out. */
    final class SseClient implements AutoCloseable {

        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final java.util.concurrent.CompletableFuture<HttpResponse<Stream<String>>> response;

        SseClient(String path, String lastEventId) {
            var request = HttpRequest.newBuilder(URI.create(base + path))
                    .header("Accept", "text/event-stream")
                    .header("Authorization", basic(ANALYST));
            if (lastEventId != null) {
                request.header("Last-Event-ID", lastEventId);
            }
            response = http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofLines());
            response.thenAccept(answer -> Thread.ofVirtual().start(() -> {
                if (answer.statusCode() != 200) {
                    lines.add("!" + answer.statusCode() + " " + answer.body().reduce("", String::concat));
                    return;
                }
                try {
                    answer.body().forEach(lines::add);
                } catch (java.io.UncheckedIOException closed) {
                    // The test closed the stream.
                }
            }));
        }

        /** The next comment. */
        String comment() throws InterruptedException {
            while (true) {
                var line = next();
                if (line.startsWith(":")) {
                    return line.substring(1).strip();
                }
            }
        }

        /** The next event, skipping comments and the reconnection time. */
        SseEvent event() throws InterruptedException {
            String id = null;
            String name = null;
            var data = new StringBuilder();
            while (true) {
                var line = next();
                if (line.isEmpty() && !data.isEmpty()) {
                    return new SseEvent(id, name, data.toString());
                } else if (line.startsWith("id:")) {
                    id = line.substring(3).strip();
                } else if (line.startsWith("event:")) {
                    name = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    data.append(line.substring(5).strip());
                }
            }
        }

        private String next() throws InterruptedException {
            var line = lines.poll(15, TimeUnit.SECONDS);
            assertThat(line).as("a line of the stream within 15 s").isNotNull();
            assertThat(line).as("the stream's answer").doesNotStartWith("!");
            return line;
        }

        @Override
        public void close() {
            response.thenAccept(answer -> answer.body().close());
            response.cancel(true);
        }
    }

    private SseClient open(String path, String lastEventId) {
        return new SseClient(path, lastEventId);
    }

    private String queue(String what) {
        return what + "-" + run;
    }

    private JobCommandHeader header(String queue) {
        return JobCommandHeader.of(queue, "req-" + UUID.randomUUID());
    }

    private void send(JobCommand command) throws Exception {
        producer.send(new ProducerRecord<>(
                        topics.requests().name(), null, command.timestamp().toEpochMilli(), command.queue(), command))
                .get();
    }

    private void enqueue(String queue, String jobId, String name) throws Exception {
        send(EnqueueJob.of(
                queue,
                "req-" + UUID.randomUUID(),
                jobId,
                name,
                Json.MAPPER.valueToTree(Map.of("n", 1)),
                Instant.now()));
    }

    private void claim(String queue, String worker) throws Exception {
        send(ClaimNextJob.of(queue, "req-" + UUID.randomUUID(), worker, 0, Instant.now()));
    }

    /** The job as the API shows it, once it is in {@code state}. */
    private Map<String, Object> awaitJob(String queue, String jobId, String state) {
        var found = new ArrayList<Map<String, Object>>();
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> {
                    var answer = get("/api/jobs/" + queue + ":" + jobId, ANALYST);
                    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
                    assertThat(answer.json()).containsEntry("state", state);
                    found.add(answer.json());
                });
        return found.getLast();
    }

    private static long token(Map<String, Object> job) {
        return ((Number) job.get("fencingToken")).longValue();
    }

    private Response get(String path, String user) throws Exception {
        return request("GET", path, null, user);
    }

    private Response post(String path, String body, String user) throws Exception {
        return request("POST", path, body, user);
    }

    private Response request(String method, String path, String body, String user) throws Exception {
        return request(method, path, body, user, "application/json");
    }

    private Response request(String method, String path, String body, String user, String contentType)
            throws Exception {
        var request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(20))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", contentType);
        }
        if (user != null) {
            request.header("Authorization", basic(user));
        }
        var response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Response(response.statusCode(), response.body(), response.headers());
    }

    private static String basic(String user) {
        return "Basic " + Base64.getEncoder().encodeToString(user.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> ids(Response answer) {
        return list(answer.json().get("jobs")).stream()
                .map(job -> (String) job.get("id"))
                .toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Object value) {
        return (List<Map<String, Object>>) value;
    }

    private static List<Map<String, Object>> violations(Response answer) {
        return list(answer.json().get("violations"));
    }

    /** The event types of {@code queue} on job-events, committed, so far. */
    private List<String> eventTypes(String queue) {
        return readAll(topics.events().name(), queue).stream()
                .map(value -> Json.MAPPER.readTree(value).get("type").asString())
                .toList();
    }

    /** The requests (not timer commands) on job-requests for any of {@code queues}. */
    private List<JobCommand> requestsOf(String... queues) {
        var commands = new ArrayList<JobCommand>();
        for (var queue : queues) {
            for (var value : readAll(topics.requests().name(), queue)) {
                var command = Json.MAPPER.readValue(value, JobCommand.class);
                if (!(command instanceof TimerCommand)) {
                    commands.add(command);
                }
            }
        }
        return commands;
    }

    private List<byte[]> readAll(String topic, String key) {
        var config = Map.<String, Object>of(
                CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed");
        var values = new ArrayList<byte[]>();
        try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            var partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            var ends = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    if (key.equals(record.key())) {
                        values.add(record.value());
                    }
                }
            }
        }
        return values;
    }
}
