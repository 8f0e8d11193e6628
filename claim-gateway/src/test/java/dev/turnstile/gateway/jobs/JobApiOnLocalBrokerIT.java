package dev.turnstile.gateway.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.turnstile.contracts.job.CancelJob;
import dev.turnstile.contracts.job.JobCommand;
import dev.turnstile.contracts.job.TimerCommand;
import dev.turnstile.contracts.json.Json;
import dev.turnstile.contracts.topic.ClaimTopics;
import dev.turnstile.contracts.topic.JobTopics;
import dev.turnstile.gateway.GatewayApplication;
import dev.turnstile.gateway.security.AgentTokens;
import dev.turnstile.kafka.local.SharedTestKafka;
import dev.turnstile.processor.ProcessorTopology;
import dev.turnstile.processor.claim.ClaimProcessorService;
import dev.turnstile.processor.config.ProcessorProperties;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.core.type.TypeReference;

/**
 * The work-queue endpoints of the gateway over HTTP, on the project's real Kafka broker with the production processor
 * (claims and jobs in one Streams application): every endpoint's answers, the 409 reasons a worker must stop on, 204
 * after {@code waitSeconds}, 415, 401 with agent tokens, 503 without a processor, and a bad-input corpus that gets 400s
 * and writes nothing on {@code job-requests}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobApiOnLocalBrokerIT {

    private static final Duration DECISION_TIMEOUT = Duration.ofSeconds(3);
    private static final String TOKEN = "worker-token-" + UUID.randomUUID();

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private String bootstrap;
    private JobTopics jobTopics;
    private JobTopics orphanTopics;
    private Path stateDir;
    private ClaimProcessorService processor;
    private ConfigurableApplicationContext gateway;
    private ConfigurableApplicationContext guarded;
    private String base;
    private String guardedBase;

    @BeforeAll
    void start() throws Exception {
        bootstrap = SharedTestKafka.bootstrapServers();
        var claimTopics = SharedTestKafka.freshClaimTopics();
        jobTopics = SharedTestKafka.freshJobTopics();
        orphanTopics = SharedTestKafka.freshJobTopics();
        stateDir = Files.createTempDirectory("turnstile-job-api-");
        var settings = ProcessorProperties.defaults("job-api-" + run, stateDir.toString());
        var config =
                settings.toStreamsConfig(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap), claimTopics);
        processor = new ClaimProcessorService(
                config,
                ProcessorTopology.build(
                        claimTopics,
                        Duration.ofSeconds(1),
                        settings.requestMemory(),
                        jobTopics,
                        settings.jobs().topologySettings(settings.requestMemory())));
        processor.start();
        assertThat(processor.awaitRunning(Duration.ofSeconds(90)))
                .as("processor running")
                .isTrue();
        gateway = startGateway(claimTopics, jobTopics, Map.of());
        base = "http://127.0.0.1:" + gateway.getEnvironment().getProperty("local.server.port");
        // A second gateway: agent tokens on, and job topics no processor reads.
        guarded = startGateway(
                claimTopics, orphanTopics, Map.of("turnstile.security.agent-tokens", AgentTokens.digestOf(TOKEN)));
        guardedBase = "http://127.0.0.1:" + guarded.getEnvironment().getProperty("local.server.port");
    }

    private ConfigurableApplicationContext startGateway(
            ClaimTopics claimTopics, JobTopics topics, Map<String, Object> extra) {
        var properties = new HashMap<String, Object>(Map.of(
                "server.port",
                "0",
                "spring.kafka.bootstrap-servers",
                bootstrap,
                "turnstile.topics.requests",
                claimTopics.requests().name(),
                "turnstile.topics.decisions",
                claimTopics.decisions().name(),
                "turnstile.topics.job-requests",
                topics.requests().name(),
                "turnstile.topics.job-events",
                topics.events().name(),
                "turnstile.processor.enabled",
                "false",
                "turnstile.gateway.decision-timeout",
                DECISION_TIMEOUT.toMillis() + "ms",
                "spring.main.banner-mode",
                "off"));
        properties.putAll(extra);
        return new SpringApplicationBuilder(GatewayApplication.class)
                .properties(properties)
                .run();
    }

    @AfterAll
    void stop() throws IOException {
        for (var app : new ConfigurableApplicationContext[] {gateway, guarded}) {
            if (app != null) {
                app.close();
            }
        }
        if (processor != null) {
            processor.close();
        }
        if (stateDir != null) {
            try (var paths = Files.walk(stateDir)) {
                paths.sorted(Comparator.reverseOrder())
                        .forEach(path -> path.toFile().delete());
            }
        }
    }

    // ------------------------------------------------------------------ enqueue

    @Test
    void an_enqueued_job_is_created_with_201_and_the_same_job_id_again_answers_200_with_the_existing_job()
            throws Exception {
        var queue = queue("enqueue");

        var created = post("/api/queues/" + queue + "/jobs", """
                {"jobId":"welcome-42","name":"send-welcome","payload":{"to":"ada@example.com"},"priority":5,
                 "maxAttempts":4,"backoff":{"kind":"fixed","baseSeconds":2},"leaseSeconds":20}""");
        var again = post("/api/queues/" + queue + "/jobs", "{\"jobId\":\"welcome-42\",\"name\":\"send-welcome\"}");

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json())
                .containsEntry("created", true)
                .containsEntry("id", queue + ":welcome-42")
                .containsEntry("jobId", "welcome-42")
                .containsEntry("state", "waiting")
                .containsEntry("priority", 5)
                .containsEntry("maxAttempts", 4)
                .containsEntry("leaseSeconds", 20)
                .containsEntry("backoff", Map.of("kind", "fixed", "baseSeconds", 2, "capSeconds", 600))
                .containsEntry("payload", Map.of("to", "ada@example.com"))
                .containsKeys("requestId", "eventId", "runAt", "message");
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json())
                .containsEntry("created", false)
                .containsEntry("id", queue + ":welcome-42")
                .containsEntry("matchedBy", "job_id")
                .containsEntry("state", "waiting");
    }

    @Test
    void while_a_job_with_a_dedup_key_is_unfinished_another_enqueue_with_it_answers_the_first_with_200()
            throws Exception {
        var queue = queue("dedup");
        var key = "hire:convex-deploy:3f9c2ab";

        var first = post("/api/queues/" + queue + "/jobs", "{\"name\":\"deploy\",\"dedupKey\":\"" + key + "\"}");
        var second = post("/api/queues/" + queue + "/jobs", "{\"name\":\"deploy\",\"dedupKey\":\"" + key + "\"}");

        assertThat(first.status()).isEqualTo(201);
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.json())
                .containsEntry("matchedBy", "dedup_key")
                .containsEntry("jobId", first.json().get("jobId"));
    }

    @Test
    void a_retried_enqueue_with_its_request_id_gets_its_original_answer_and_names_the_same_job() throws Exception {
        var queue = queue("retry");
        var requestId = "enqueue-" + UUID.randomUUID();
        var body = "{\"name\":\"report\",\"delaySeconds\":3600,\"requestId\":\"" + requestId + "\"}";

        var first = post("/api/queues/" + queue + "/jobs", body);
        var retried = post("/api/queues/" + queue + "/jobs", body);
        var reused = post("/api/queues/" + queue + "/jobs", "{\"name\":\"other\",\"requestId\":\"" + requestId + "\"}");

        assertThat(first.status()).isEqualTo(201);
        assertThat(first.json()).containsEntry("state", "delayed").containsEntry("jobId", requestId);
        assertThat(retried.status()).isEqualTo(201);
        assertThat(retried.json())
                .containsEntry("redelivery", true)
                .containsEntry("eventId", first.json().get("eventId"))
                .containsEntry("jobId", requestId);
        assertThat(reused.status()).isEqualTo(409);
        assertThat(reused.json()).containsEntry("error", "request_id_conflict").containsEntry("requestId", requestId);
    }

    // ------------------------------------------------------------------ workers

    @Test
    void claim_next_hands_out_the_highest_priority_job_with_its_attempt_fencing_token_and_lease_expiry()
            throws Exception {
        var queue = queue("claim");
        enqueue(queue, "low", "{\"jobId\":\"low\",\"name\":\"n\",\"priority\":1}");
        enqueue(queue, "high", "{\"jobId\":\"high\",\"name\":\"n\",\"priority\":9,\"payload\":[1,2]}");
        var before = Instant.now();

        var claimed = post("/api/queues/" + queue + "/claim-next", "{\"workerId\":\"worker-1\",\"waitSeconds\":5}");

        assertThat(claimed.status()).isEqualTo(200);
        assertThat(claimed.json())
                .containsEntry("id", queue + ":high")
                .containsEntry("attempt", 1)
                .containsEntry("maxAttempts", 3)
                .containsEntry("fencingToken", 1)
                .containsEntry("leaseSeconds", 30)
                .containsEntry("payload", List.of(1, 2))
                .containsEntry("workerId", "worker-1");
        var expiry = Instant.parse((String) claimed.json().get("leaseExpiresAt"));
        assertThat(expiry).isBetween(before.plusSeconds(29), Instant.now().plusSeconds(31));
    }

    @Test
    void claim_next_answers_204_with_the_reason_once_nothing_came_within_wait_seconds() throws Exception {
        var queue = queue("empty");
        long start = System.nanoTime();

        var waited = post("/api/queues/" + queue + "/claim-next", "{\"workerId\":\"worker-1\",\"waitSeconds\":1}");
        var elapsed = Duration.ofNanos(System.nanoTime() - start);
        var atOnce = post("/api/queues/" + queue + "/claim-next", "{\"workerId\":\"worker-1\"}");

        assertThat(waited.status()).isEqualTo(204);
        assertThat(waited.body()).isEmpty();
        assertThat(waited.headers().firstValue("Turnstile-No-Job")).contains("wait_expired");
        assertThat(elapsed).isGreaterThanOrEqualTo(Duration.ofMillis(950)).isLessThan(Duration.ofSeconds(4));
        assertThat(atOnce.status()).isEqualTo(204);
        assertThat(atOnce.headers().firstValue("Turnstile-No-Job")).contains("queue_empty");
    }

    @Test
    void a_waiting_claim_next_gets_the_job_enqueued_while_it_waits() throws Exception {
        var queue = queue("park");
        var answer = new Response[1];
        var waiting = Thread.ofVirtual().start(() -> {
            try {
                answer[0] =
                        post("/api/queues/" + queue + "/claim-next", "{\"workerId\":\"worker-7\",\"waitSeconds\":20}");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        // The claim-next is parked once the processor says so on job-events; enqueue after it is.
        await().atMost(Duration.ofSeconds(10)).until(() -> eventTypes(queue).contains("ClaimNextParked"));

        enqueue(queue, "late", "{\"jobId\":\"late\",\"name\":\"n\"}");
        waiting.join(Duration.ofSeconds(15));

        assertThat(answer[0].status()).isEqualTo(200);
        assertThat(answer[0].json()).containsEntry("id", queue + ":late").containsEntry("workerId", "worker-7");
    }

    @Test
    void the_holder_heartbeats_with_progress_logs_records_an_artifact_and_completes() throws Exception {
        var queue = queue("work");
        var job = claimOne(queue, "worker-1");
        var id = (String) job.get("id");
        var token = job.get("fencingToken");

        var heartbeat = post(
                "/api/jobs/" + id + "/heartbeat",
                "{\"workerId\":\"worker-1\",\"fencingToken\":" + token + ",\"progress\":40,\"message\":\"half\"}");
        var logs = post(
                "/api/jobs/" + id + "/logs",
                "{\"workerId\":\"worker-1\",\"fencingToken\":" + token + ",\"lines\":[\"one\",\"two\"]}");
        var artifact = post(
                "/api/jobs/" + id + "/artifacts",
                "{\"workerId\":\"worker-1\",\"fencingToken\":" + token
                        + ",\"name\":\"report\",\"uri\":\"s3://bucket/report.html\",\"bytes\":1024,\"sha256\":\""
                        + "a".repeat(64) + "\",\"contentType\":\"text/html\"}");
        var complete = post(
                "/api/jobs/" + id + "/complete",
                "{\"workerId\":\"worker-1\",\"fencingToken\":" + token + ",\"result\":{\"sent\":true}}");
        var lateHeartbeat =
                post("/api/jobs/" + id + "/heartbeat", "{\"workerId\":\"worker-1\",\"fencingToken\":" + token + "}");

        assertThat(heartbeat.status()).isEqualTo(200);
        assertThat(heartbeat.json())
                .containsEntry("accepted", true)
                .containsEntry("result", "heartbeat")
                .containsEntry("progress", 40)
                .containsEntry("state", "active")
                .containsKey("leaseExpiresAt");
        assertThat(logs.json()).containsEntry("accepted", true).containsEntry("result", "logged");
        assertThat(artifact.json()).containsEntry("accepted", true).containsEntry("result", "attached");
        assertThat(complete.status()).isEqualTo(200);
        assertThat(complete.json()).containsEntry("result", "succeeded").containsEntry("state", "succeeded");
        assertThat(lateHeartbeat.status()).isEqualTo(409);
        assertThat(lateHeartbeat.json())
                .containsEntry("accepted", false)
                .containsEntry("reason", "already_completed")
                .containsEntry("state", "succeeded");
    }

    @Test
    void a_stale_or_foreign_token_is_refused_with_409_and_a_reason_the_worker_stops_on() throws Exception {
        var queue = queue("fence");
        var job = claimOne(queue, "worker-1");
        var id = (String) job.get("id");
        long token = ((Number) job.get("fencingToken")).longValue();

        var foreign =
                post("/api/jobs/" + id + "/heartbeat", "{\"workerId\":\"worker-2\",\"fencingToken\":" + token + "}");
        var fail = post(
                "/api/jobs/" + id + "/fail",
                "{\"workerId\":\"worker-1\",\"fencingToken\":" + token + ",\"error\":\"SMTP timeout\"}");
        var stale = post(
                "/api/jobs/" + id + "/complete", "{\"workerId\":\"worker-1\",\"fencingToken\":" + (token + 5) + "}");
        var unknown =
                post("/api/jobs/" + queue + ":no-such-job/heartbeat", "{\"workerId\":\"worker-1\",\"fencingToken\":1}");

        assertThat(foreign.status()).isEqualTo(409);
        assertThat(foreign.json()).containsEntry("reason", "not_holder").containsEntry("accepted", false);
        assertThat(fail.status()).isEqualTo(200);
        assertThat(fail.json())
                .containsEntry("result", "failed")
                .containsEntry("state", "failed_will_retry")
                .containsKey("retryAt");
        assertThat(stale.status()).isEqualTo(409);
        assertThat(stale.json()).containsEntry("reason", "stale_token").containsEntry("currentFencingToken", (int)
                token);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json()).containsEntry("reason", "unknown_job");
    }

    @Test
    void after_an_operator_cancels_an_active_job_its_workers_next_heartbeat_gets_409_cancelled() throws Exception {
        var queue = queue("cancel");
        var job = claimOne(queue, "worker-1");
        var token = job.get("fencingToken");
        try (var producer = new KafkaProducer<String, JobCommand>(
                Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                jobTopics.requests().keySerde().serializer(),
                jobTopics.requests().valueSerde().serializer())) {
            var cancel = CancelJob.of(queue, "cancel-" + run, (String) job.get("jobId"), "operator", Instant.now());
            producer.send(new ProducerRecord<>(jobTopics.requests().name(), queue, cancel))
                    .get();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> eventTypes(queue).contains("JobCancelled"));

        var heartbeat = post(
                "/api/jobs/" + job.get("id") + "/heartbeat",
                "{\"workerId\":\"worker-1\",\"fencingToken\":" + token + ",\"progress\":80}");

        assertThat(heartbeat.status()).isEqualTo(409);
        assertThat(heartbeat.json())
                .containsEntry("reason", "cancelled")
                .containsEntry("state", "cancelled")
                .containsEntry("message", "An operator cancelled " + job.get("id") + ": stop working on it");
    }

    // ------------------------------------------------------------------ refusals without a decision

    @Test
    void bad_input_gets_400_naming_the_field_and_rule_and_writes_nothing_to_job_requests() throws Exception {
        var queue = queue("bad");
        var job = "/api/jobs/" + queue + ":j1";
        var huge = "{\"name\":\"n\",\"payload\":\"" + "x".repeat(70_000) + "\"}";
        var corpus = new LinkedHashMap<String, Bad>();
        corpus.put("empty body", new Bad("/api/queues/" + queue + "/jobs", "", "body", "required"));
        corpus.put("not JSON", new Bad("/api/queues/" + queue + "/jobs", "{name", "body", "json"));
        corpus.put("an array", new Bad("/api/queues/" + queue + "/jobs", "[]", "body", "type"));
        corpus.put(
                "duplicate field",
                new Bad("/api/queues/" + queue + "/jobs", "{\"name\":\"a\",\"name\":\"b\"}", "body", "json"));
        corpus.put(
                "unknown field",
                new Bad("/api/queues/" + queue + "/jobs", "{\"name\":\"n\",\"colour\":1}", "colour", "unknown"));
        corpus.put(
                "unknown backoff field",
                new Bad(
                        "/api/queues/" + queue + "/jobs",
                        "{\"name\":\"n\",\"backoff\":{\"baseSeconds\":1,\"jitter\":true}}",
                        "backoff.jitter",
                        "unknown"));
        corpus.put("missing name", new Bad("/api/queues/" + queue + "/jobs", "{}", "name", "required"));
        corpus.put("name of the wrong type", new Bad("/api/queues/" + queue + "/jobs", "{\"name\":7}", "name", "type"));
        corpus.put("bad queue", new Bad("/api/queues/no:colons/jobs", "{\"name\":\"n\"}", "queue", "pattern"));
        corpus.put(
                "bad job id",
                new Bad("/api/queues/" + queue + "/jobs", "{\"name\":\"n\",\"jobId\":\"a|b\"}", "jobId", "pattern"));
        corpus.put("payload over 64 KiB", new Bad("/api/queues/" + queue + "/jobs", huge, "payload", "size"));
        corpus.put(
                "body over the limit",
                new Bad(
                        "/api/queues/" + queue + "/jobs",
                        "{\"name\":\"n\",\"payload\":\"" + "x".repeat(100_000) + "\"}",
                        "body",
                        "size"));
        corpus.put(
                "priority out of range",
                new Bad(
                        "/api/queues/" + queue + "/jobs",
                        "{\"name\":\"n\",\"priority\":2000000}",
                        "priority",
                        "range"));
        corpus.put(
                "fractional priority",
                new Bad("/api/queues/" + queue + "/jobs", "{\"name\":\"n\",\"priority\":1.5}", "priority", "type"));
        corpus.put(
                "runAt not an instant",
                new Bad(
                        "/api/queues/" + queue + "/jobs",
                        "{\"name\":\"n\",\"runAt\":\"tomorrow\"}",
                        "runAt",
                        "format"));
        corpus.put(
                "runAt and delaySeconds",
                new Bad(
                        "/api/queues/" + queue + "/jobs",
                        "{\"name\":\"n\",\"runAt\":\"2030-01-01T00:00:00Z\",\"delaySeconds\":5}",
                        "delaySeconds",
                        "exclusive"));
        corpus.put(
                "negative delay",
                new Bad(
                        "/api/queues/" + queue + "/jobs",
                        "{\"name\":\"n\",\"delaySeconds\":-1}",
                        "delaySeconds",
                        "range"));
        corpus.put(
                "no attempts",
                new Bad(
                        "/api/queues/" + queue + "/jobs",
                        "{\"name\":\"n\",\"maxAttempts\":0}",
                        "maxAttempts",
                        "range"));
        corpus.put(
                "unknown backoff kind",
                new Bad(
                        "/api/queues/" + queue + "/jobs",
                        "{\"name\":\"n\",\"backoff\":{\"kind\":\"linear\",\"baseSeconds\":1}}",
                        "backoff.kind",
                        "enum"));
        corpus.put(
                "backoff cap below base",
                new Bad(
                        "/api/queues/" + queue + "/jobs",
                        "{\"name\":\"n\",\"backoff\":{\"baseSeconds\":60,\"capSeconds\":10}}",
                        "backoff.capSeconds",
                        "range"));
        corpus.put(
                "lease too long",
                new Bad(
                        "/api/queues/" + queue + "/jobs",
                        "{\"name\":\"n\",\"leaseSeconds\":7200}",
                        "leaseSeconds",
                        "range"));
        corpus.put(
                "bad request id",
                new Bad(
                        "/api/queues/" + queue + "/jobs",
                        "{\"name\":\"n\",\"requestId\":\"x\"}",
                        "requestId",
                        "pattern"));
        corpus.put(
                "claim-next without worker",
                new Bad("/api/queues/" + queue + "/claim-next", "{}", "workerId", "required"));
        corpus.put(
                "claim-next waits too long",
                new Bad(
                        "/api/queues/" + queue + "/claim-next",
                        "{\"workerId\":\"w\",\"waitSeconds\":31}",
                        "waitSeconds",
                        "range"));
        corpus.put(
                "job id without its queue",
                new Bad("/api/jobs/j1/heartbeat", "{\"workerId\":\"w\",\"fencingToken\":1}", "jobId", "format"));
        corpus.put(
                "job id with a bad queue",
                new Bad("/api/jobs/a%20b:j1/heartbeat", "{\"workerId\":\"w\",\"fencingToken\":1}", "jobId", "pattern"));
        corpus.put(
                "heartbeat without token",
                new Bad(job + "/heartbeat", "{\"workerId\":\"w\"}", "fencingToken", "required"));
        corpus.put(
                "token zero",
                new Bad(job + "/heartbeat", "{\"workerId\":\"w\",\"fencingToken\":0}", "fencingToken", "range"));
        corpus.put(
                "token as text",
                new Bad(job + "/heartbeat", "{\"workerId\":\"w\",\"fencingToken\":\"7\"}", "fencingToken", "type"));
        corpus.put(
                "progress over 100",
                new Bad(
                        job + "/heartbeat",
                        "{\"workerId\":\"w\",\"fencingToken\":1,\"progress\":101}",
                        "progress",
                        "range"));
        corpus.put(
                "fail without error",
                new Bad(job + "/fail", "{\"workerId\":\"w\",\"fencingToken\":1}", "error", "required"));
        corpus.put(
                "retryable as text",
                new Bad(
                        job + "/fail",
                        "{\"workerId\":\"w\",\"fencingToken\":1,\"error\":\"e\",\"retryable\":\"yes\"}",
                        "retryable",
                        "type"));
        corpus.put(
                "logs not an array",
                new Bad(job + "/logs", "{\"workerId\":\"w\",\"fencingToken\":1,\"lines\":\"l\"}", "lines", "type"));
        corpus.put(
                "no log lines",
                new Bad(job + "/logs", "{\"workerId\":\"w\",\"fencingToken\":1,\"lines\":[]}", "lines", "required"));
        corpus.put(
                "artifact with a bad digest",
                new Bad(
                        job + "/artifacts",
                        "{\"workerId\":\"w\",\"fencingToken\":1,"
                                + "\"name\":\"r\",\"uri\":\"u\",\"bytes\":1,\"sha256\":\"abc\",\"contentType\":\"text/plain\"}",
                        "sha256",
                        "pattern"));
        corpus.put(
                "artifact without size",
                new Bad(
                        job + "/artifacts",
                        "{\"workerId\":\"w\",\"fencingToken\":1," + "\"name\":\"r\",\"uri\":\"u\",\"sha256\":\""
                                + "a".repeat(64) + "\",\"contentType\":\"text/plain\"}",
                        "bytes",
                        "required"));
        corpus.put(
                "result over 64 KiB",
                new Bad(
                        job + "/complete",
                        "{\"workerId\":\"w\",\"fencingToken\":1," + "\"result\":\"" + "x".repeat(70_000) + "\"}",
                        "result",
                        "size"));

        for (var entry : corpus.entrySet()) {
            var bad = entry.getValue();
            var answer = post(bad.path(), bad.body());
            assertThat(answer.status())
                    .as(entry.getKey() + ": " + answer.body())
                    .isEqualTo(400);
            assertThat(answer.json()).as(entry.getKey()).containsEntry("error", "invalid_request");
            assertThat(violations(answer))
                    .as(entry.getKey())
                    .anySatisfy(v ->
                            assertThat(v).containsEntry("field", bad.field()).containsEntry("rule", bad.rule()));
        }
        // Something that is written comes after, so the commands of the corpus (none) would be before it.
        enqueue(queue, "marker", "{\"jobId\":\"marker\",\"name\":\"n\"}");
        assertThat(requestsFor(queue, "no:colons", "a b"))
                .extracting(JobCommand::requestId)
                .hasSize(1);
    }

    @Test
    void a_request_not_sent_as_json_gets_415_and_writes_nothing() throws Exception {
        var queue = queue("media");

        var plain = send("/api/queues/" + queue + "/jobs", "{\"name\":\"n\"}", "text/plain", null);
        var none = send("/api/queues/" + queue + "/claim-next", "{\"workerId\":\"w\"}", null, null);
        var form = send("/api/jobs/" + queue + ":j/heartbeat", "workerId=w", "application/x-www-form-urlencoded", null);

        for (var answer : List.of(plain, none, form)) {
            assertThat(answer.status()).isEqualTo(415);
            assertThat(answer.json()).containsEntry("error", "unsupported_media_type");
        }
        enqueue(queue, "marker", "{\"jobId\":\"marker\",\"name\":\"n\"}");
        assertThat(requestsFor(queue)).hasSize(1);
    }

    @Test
    void with_agent_tokens_on_a_job_request_without_a_token_gets_401_and_writes_nothing() throws Exception {
        var queue = queue("token");

        var missing = send(guardedBase, "/api/queues/" + queue + "/jobs", "{\"name\":\"n\"}", "application/json", null);
        var wrong = send(
                guardedBase,
                "/api/queues/" + queue + "/claim-next",
                "{\"workerId\":\"w\"}",
                "application/json",
                "not-the-token");

        assertThat(missing.status()).isEqualTo(401);
        assertThat(missing.json()).containsEntry("error", "missing_token");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.json()).containsEntry("error", "unknown_token");
        assertThat(requestsFor(orphanTopics, queue)).isEmpty();
    }

    @Test
    void without_a_processor_a_job_request_gets_503_with_retry_after_and_the_request_id_to_retry_with()
            throws Exception {
        var queue = queue("orphan");

        var answer = send(
                guardedBase,
                "/api/queues/" + queue + "/jobs",
                "{\"name\":\"n\",\"requestId\":\"orphan-" + run + "\"}",
                "application/json",
                TOKEN);

        assertThat(answer.status()).isEqualTo(503);
        assertThat(answer.headers().firstValue("Retry-After")).isPresent();
        assertThat(answer.json())
                .containsEntry("error", "decision_timeout")
                .containsEntry("requestId", "orphan-" + run);
    }

    // ------------------------------------------------------------------ helpers

    private record Bad(String path, String body, String field, String rule) {}

    record Response(int status, String body, java.net.http.HttpHeaders headers) {

        Map<String, Object> json() {
            return body.isEmpty() ? Map.of() : Json.MAPPER.readValue(body, new TypeReference<Map<String, Object>>() {});
        }
    }

    private String queue(String what) {
        return what + "-" + run;
    }

    private void enqueue(String queue, String jobId, String body) throws Exception {
        var answer = post("/api/queues/" + queue + "/jobs", body);
        assertThat(answer.status()).as(answer.body()).isIn(200, 201);
        assertThat(answer.json()).containsEntry("jobId", jobId);
    }

    /** Enqueues a job and claims it as {@code worker}: the claim-next answer. */
    private Map<String, Object> claimOne(String queue, String worker) throws Exception {
        enqueue(
                queue,
                "job-1",
                "{\"jobId\":\"job-1\",\"name\":\"n\",\"maxAttempts\":2,"
                        + "\"backoff\":{\"kind\":\"fixed\",\"baseSeconds\":60}}");
        var claimed = post("/api/queues/" + queue + "/claim-next", "{\"workerId\":\"" + worker + "\"}");
        assertThat(claimed.status()).as(claimed.body()).isEqualTo(200);
        return claimed.json();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> violations(Response answer) {
        return (List<Map<String, Object>>) answer.json().get("violations");
    }

    private Response post(String path, String body) throws Exception {
        return send(base, path, body, "application/json", null);
    }

    private Response send(String path, String body, String contentType, String token) throws Exception {
        return send(base, path, body, contentType, token);
    }

    private Response send(String at, String path, String body, String contentType, String token) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(at + path))
                .timeout(Duration.ofSeconds(40))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        var response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Response(response.statusCode(), response.body(), response.headers());
    }

    /** The types of the events of {@code queue} on job-events so far. */
    private List<String> eventTypes(String queue) {
        var types = new ArrayList<String>();
        for (var value : readAll(jobTopics.events().name(), queue)) {
            types.add(Json.MAPPER.readTree(value).get("type").asString());
        }
        return types;
    }

    /** The requests (not the processor's timer commands) on job-requests for any of {@code queues}. */
    private List<JobCommand> requestsFor(String... queues) {
        return requestsFor(jobTopics, queues);
    }

    private List<JobCommand> requestsFor(JobTopics topics, String... queues) {
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

    /** Every record value of {@code topic} keyed {@code key}, from offset 0 to the end as it is now. */
    private List<byte[]> readAll(String topic, String key) {
        var config = Map.<String, Object>of(
                CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed");
        var values = new ArrayList<byte[]>();
        try (var consumer = new KafkaConsumer<>(
                config,
                new org.apache.kafka.common.serialization.StringDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
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
