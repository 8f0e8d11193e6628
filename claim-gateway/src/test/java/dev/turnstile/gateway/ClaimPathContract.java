package dev.turnstile.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.turnstile.contracts.json.Json;
import dev.turnstile.contracts.topic.ClaimTopics;
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
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.core.type.TypeReference;

/**
 * The guarantees of the claim path, end to end over HTTP, on a real Kafka broker: the gateway as it ships, the
 * production processor topology, real topics. Subclasses say which broker.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ClaimPathContract {

    private static final int PARTITIONS = ClaimTopics.DEFAULT_PARTITIONS;
    private static final Duration DECISION_TIMEOUT = Duration.ofSeconds(3);

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final ClaimTopics topics = ClaimTopics.named("claim-requests-" + run, "claim-decisions-" + run);
    private final String processorId = "claim-processor-" + run;

    private Path stateRoot;

    private String bootstrap;
    private ConfigurableApplicationContext gateway;
    private ClaimProcessorService processor;
    private URI claimUri;
    private URI healthUri;

    /** The bootstrap servers of the broker under test. */
    abstract String bootstrapServers();

    @BeforeAll
    void start() throws Exception {
        bootstrap = bootstrapServers();
        stateRoot = Files.createTempDirectory("turnstile-claim-path-");
        try (var admin = Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(
                            new NewTopic(topics.requests().name(), PARTITIONS, (short) 1),
                            new NewTopic(topics.decisions().name(), PARTITIONS, (short) 1)))
                    .all()
                    .get();
        }
        processor = startProcessor(processorId, stateRoot.resolve("processor-1"), topics);
        gateway = new SpringApplicationBuilder(GatewayApplication.class)
                .properties(Map.of(
                        "server.port",
                        "0",
                        "spring.kafka.bootstrap-servers",
                        bootstrap,
                        "turnstile.topics.requests",
                        topics.requests().name(),
                        "turnstile.topics.decisions",
                        topics.decisions().name(),
                        "turnstile.processor.enabled",
                        "false",
                        "turnstile.gateway.processor-group-id",
                        processorId,
                        "turnstile.gateway.decision-timeout",
                        DECISION_TIMEOUT.toMillis() + "ms",
                        "turnstile.gateway.health-cache-ttl",
                        "0s"))
                .run();
        var port = gateway.getEnvironment().getProperty("local.server.port");
        claimUri = URI.create("http://127.0.0.1:" + port + "/api/claim");
        healthUri = URI.create("http://127.0.0.1:" + port + "/api/health");
    }

    @AfterAll
    void stop() throws IOException {
        if (gateway != null) {
            gateway.close();
        }
        if (processor != null) {
            processor.close();
        }
        deleteRecursively(stateRoot);
    }

    @Test
    void first_agent_proceeds_and_the_next_is_told_who_claimed_it_and_when() throws Exception {
        var sha = sha();

        var first = claim(body("hire", "convex-deploy", sha, "agent-1", null));
        var second = claim(body("hire", "convex-deploy", sha, "agent-2", null));

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.json()).containsEntry("proceed", true).containsEntry("claimedBy", "agent-1");
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.json())
                .containsEntry("proceed", false)
                .containsEntry("claimedBy", "agent-1")
                .containsEntry(
                        "message",
                        "Already claimed by agent-1 at " + first.json().get("claimedAt"));
    }

    @Test
    void a_retried_request_id_gets_the_same_answer_and_is_decided_once() throws Exception {
        var sha = sha();
        var winner = "req-" + UUID.randomUUID();
        var loser = "req-" + UUID.randomUUID();

        var granted = claim(body("hire", "convex-deploy", sha, "agent-1", winner));
        var denied = claim(body("hire", "convex-deploy", sha, "agent-2", loser));
        var grantedAgain = claim(body("hire", "convex-deploy", sha, "agent-1", winner));
        var deniedAgain = claim(body("hire", "convex-deploy", sha, "agent-2", loser));

        assertThat(grantedAgain.json())
                .containsEntry("proceed", true)
                .containsEntry("redelivery", true)
                .containsEntry("decisionId", granted.json().get("decisionId"));
        assertThat(deniedAgain.json())
                .containsEntry("proceed", false)
                .containsEntry("redelivery", true)
                .containsEntry("decisionId", denied.json().get("decisionId"));
        var key = "hire:convex-deploy:" + sha;
        assertThat(decisions().firstDecisions())
                .filteredOn(event -> event.taskKey().equals(key))
                .hasSize(2);
    }

    @Test
    void sixty_four_racing_agents_get_exactly_one_grant_per_key() throws Exception {
        var keys = IntStream.range(0, 20).mapToObj(i -> sha()).toList();
        var proceeds = new ConcurrentHashMap<String, List<String>>();
        var answered = new AtomicInteger();
        var start = new CountDownLatch(1);
        try (var agents = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int agent = 0; agent < 64; agent++) {
                var agentId = "racer-" + agent;
                var order = new ArrayList<>(keys);
                Collections.shuffle(order);
                agents.submit(() -> {
                    start.await();
                    for (var sha : order) {
                        var answer = claim(body("race", "deploy", sha, agentId, null));
                        assertThat(answer.status()).as(answer.json().toString()).isEqualTo(200);
                        answered.incrementAndGet();
                        if ((Boolean) answer.json().get("proceed")) {
                            proceeds.computeIfAbsent(sha, k -> Collections.synchronizedList(new ArrayList<>()))
                                    .add(agentId);
                        }
                    }
                    return null;
                });
            }
            start.countDown();
        }

        assertThat(answered).hasValue(64 * keys.size());
        assertThat(proceeds)
                .hasSize(keys.size())
                .allSatisfy((sha, winners) -> assertThat(winners).hasSize(1));
        var log = decisions();
        log.assertExactlyOneGrantPerKey();
        keys.forEach(sha ->
                assertThat(log.grantsByKey().get("race:deploy:" + sha)).containsExactlyElementsOf(proceeds.get(sha)));
    }

    @Test
    void bad_input_gets_400_naming_the_field_and_rule_and_writes_nothing() throws Exception {
        long before = requestsWritten();
        var cases = Map.of(
                "{\"project\":\"hire\",\"task\":\"deploy\",\"gitSha\":\"xyz\",\"agentId\":\"a\"}",
                "gitSha",
                "{\"project\":\"hire\",\"task\":\"deploy\",\"agentId\":\"a\"}",
                "gitSha",
                "{\"project\":42,\"task\":\"deploy\",\"gitSha\":\"abcdef1\",\"agentId\":\"a\"}",
                "project",
                "{\"project\":\"hire\",\"task\":\"de:ploy\",\"gitSha\":\"abcdef1\",\"agentId\":\"a\"}",
                "task",
                "{\"project\":\"hire\",\"task\":\"deploy\",\"gitSha\":\"abcdef1\",\"agentId\":\"a\\u0000b\"}",
                "agentId",
                "{\"project\":\"" + "p".repeat(101) + "\",\"task\":\"d\",\"gitSha\":\"abcdef1\",\"agentId\":\"a\"}",
                "project",
                "{\"project\":\"hire\",\"task\":\"deploy\",\"gitSha\":\"abcdef1\",\"agentId\":\"a\",\"ttl\":5}",
                "ttl",
                "{\"project\": \"hire\",",
                "body",
                "[1,2,3]",
                "body",
                "{\"project\":\"hire\",\"task\":\"deploy\",\"gitSha\":\"abcdef1\",\"agentId\":\"" + "a".repeat(20_000)
                        + "\"}",
                "body");

        for (var entry : cases.entrySet()) {
            var answer = claim(entry.getKey());
            assertThat(answer.status()).as(entry.getKey()).isEqualTo(400);
            assertThat(answer.json()).containsEntry("error", "invalid_request");
            assertThat((List<?>) answer.json().get("violations"))
                    .as(entry.getKey())
                    .anySatisfy(violation ->
                            assertThat(((Map<?, ?>) violation).get("field")).isEqualTo(entry.getValue()));
        }
        var chunkedHuge = http.send(
                HttpRequest.newBuilder(claimUri)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofInputStream(
                                () -> new java.io.ByteArrayInputStream(new byte[1_000_000])))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        var notUtf8 = http.send(
                HttpRequest.newBuilder(claimUri)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(
                                new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'}))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        var controlInProject =
                claim("{\"project\":\"hi\\u0007re\",\"task\":\"d\",\"gitSha\":\"abcdef1\",\"agentId\":\"a\"}");

        assertThat(chunkedHuge.statusCode())
                .as("chunked 1 MB body, no Content-Length")
                .isEqualTo(400);
        assertThat(notUtf8.statusCode()).as("invalid UTF-8").isEqualTo(400);
        assertThat(controlInProject.status()).isEqualTo(400);
        assertThat(controlInProject.json().get("detail").toString()).contains("\\u0007");
        assertThat(requestsWritten()).isEqualTo(before);
        assertThat(claim(body("hire", "deploy", sha(), "still-serving", null)).status())
                .isEqualTo(200);
    }

    @Test
    void a_claim_or_holder_request_that_is_not_sent_as_json_gets_415_and_writes_nothing() throws Exception {
        long before = requestsWritten();
        var sha = sha();
        var claim = body("hire", "convex-deploy", sha, "agent-1", null);
        var renew = "{\"project\":\"hire\",\"task\":\"convex-deploy\",\"gitSha\":\"" + sha
                + "\",\"agentId\":\"agent-1\",\"fencingToken\":1}";
        var contentTypes = java.util.Arrays.asList(
                null,
                "text/plain",
                "text/plain;charset=UTF-8",
                "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=x",
                "application/jsonp",
                "*/*",
                "application/json-patch+json",
                "json");

        for (var contentType : contentTypes) {
            var targets = List.of(Map.entry(claimUri, claim), Map.entry(claimUri.resolve("/api/lease/renew"), renew));
            for (var target : targets) {
                var request = HttpRequest.newBuilder(target.getKey())
                        .POST(HttpRequest.BodyPublishers.ofString(target.getValue()));
                if (contentType != null) {
                    request.header("Content-Type", contentType);
                }
                var response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());

                assertThat(response.statusCode())
                        .as("%s to %s", contentType, target.getKey())
                        .isEqualTo(415);
                assertThat(parse(response.body()))
                        .containsEntry("error", "unsupported_media_type")
                        .containsEntry("violations", List.of())
                        .hasEntrySatisfying(
                                "detail",
                                message -> assertThat((String) message)
                                        .contains("Content-Type: application/json")
                                        .contains(contentType == null ? "got none" : "got \"" + contentType + "\""));
            }
        }

        assertThat(requestsWritten()).isEqualTo(before);
        assertThat(claim(body("hire", "convex-deploy", sha, "agent-1", null)).status())
                .as("the same claim as JSON")
                .isEqualTo(200);
    }

    @Test
    void a_direct_request_for_the_error_page_is_not_found() throws Exception {
        for (var path : List.of("/error", "/%65rror", "/error;x=1")) {
            var response = http.send(
                    HttpRequest.newBuilder(claimUri.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(404);
            assertThat(response.body()).doesNotContain("999");
        }
    }

    @Test
    void a_record_on_the_decisions_topic_that_is_not_a_decision_does_not_stop_claims_being_answered() throws Exception {
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<>(
                Map.<String, Object>of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.StringSerializer())) {
            for (int partition = 0; partition < PARTITIONS; partition++) {
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(
                        topics.decisions().name(), partition, "junk", "not a decision"));
            }
        }

        var answer = claim(body("hire", "after-junk", sha(), "agent-1", null));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json()).containsEntry("proceed", true);
    }

    @Test
    void health_is_healthy_while_kafka_and_the_processor_run() throws Exception {
        var response = http.send(HttpRequest.newBuilder(healthUri).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(parse(response.body())).containsEntry("status", "healthy").containsKey("timestamp");
    }

    @Test
    void a_claims_log_lines_name_its_request_id_beside_the_trace_of_its_http_request() throws Exception {
        var logger =
                (ch.qos.logback.classic.Logger) LoggerFactory.getLogger("dev.turnstile.gateway.claim.ClaimService");
        var events = new ListAppender<ILoggingEvent>();
        events.start();
        var level = logger.getLevel();
        logger.setLevel(Level.DEBUG);
        logger.addAppender(events);
        try {
            var requestId = "req-traced-" + UUID.randomUUID();
            assertThat(claim(body("traced", "deploy", sha(), "agent-1", requestId))
                            .status())
                    .isEqualTo(200);

            var written = events.list.stream()
                    .filter(event -> event.getFormattedMessage().contains(requestId))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no log line names " + requestId + ": " + events.list));
            assertThat(written.getMDCPropertyMap())
                    .containsEntry("requestId", requestId)
                    .hasEntrySatisfying(
                            "traceId", traceId -> assertThat(traceId).matches("[0-9a-f]{16,32}"));
        } finally {
            logger.detachAppender(events);
            logger.setLevel(level);
        }
    }

    @Test
    void replaying_the_requests_topic_into_a_fresh_processor_reproduces_the_decisions_exactly() throws Exception {
        for (int i = 0; i < 30; i++) {
            var sha = sha();
            for (int agent = 0; agent < 3; agent++) {
                claim(body("replay", "deploy", sha, "agent-" + agent, "req-replay-" + i + "-" + agent));
            }
            claim(body("replay", "deploy", sha, "agent-0", "req-replay-" + i + "-0"));
        }
        var original = awaitCommitted(30 * 4, "replay:");
        var replayTopics = ClaimTopics.named(topics.requests().name(), "claim-decisions-replay-" + run);
        try (var admin = Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(replayTopics.decisions().name(), PARTITIONS, (short) 1)))
                    .all()
                    .get();
        }

        try (var replay = startProcessor("claim-replay-" + run, stateRoot.resolve("replay"), replayTopics)) {
            awaitDecisionCount(replayTopics, original.events().size());
        }

        var replayed = DecisionLog.read(bootstrap, replayTopics.decisions());
        assertThat(replayed.byKey()).isEqualTo(original.byKey());
    }

    @Test
    void a_processor_restarted_mid_stream_with_state_restored_from_the_changelog_grants_nothing_twice()
            throws Exception {
        var keys = IntStream.range(0, 40).mapToObj(i -> sha()).toList();
        var stop = new AtomicBoolean();
        var granted = new ConcurrentHashMap<String, String>();
        var doubleGrants = new ConcurrentHashMap<String, String>();
        var answers = new AtomicInteger();
        try (var agents = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int agent = 0; agent < 16; agent++) {
                var agentId = "restart-" + agent;
                agents.submit(() -> {
                    for (int round = 0; !stop.get() || round < keys.size(); round++) {
                        var sha = keys.get(Math.floorMod(round * 7 + agentId.hashCode(), keys.size()));
                        var requestId = UUID.randomUUID().toString();
                        var answer = claimUntilDecided(body("restart", "deploy", sha, agentId, requestId));
                        answers.incrementAndGet();
                        if ((Boolean) answer.get("proceed")) {
                            var previous = granted.putIfAbsent(sha, agentId);
                            if (previous != null && !previous.equals(agentId)) {
                                doubleGrants.put(sha, previous + " and " + agentId);
                            }
                        }
                        if (stop.get() && round >= keys.size()) {
                            break;
                        }
                    }
                    return null;
                });
            }
            awaitAnswers(answers, 150);
            processor.close();
            deleteRecursively(stateRoot.resolve("processor-1"));
            processor = startProcessor(processorId, stateRoot.resolve("processor-1"), topics);
            int afterRestart = answers.get();
            awaitAnswers(answers, afterRestart + 150);
            stop.set(true);
        }

        assertThat(doubleGrants).isEmpty();
        assertThat(granted).hasSize(keys.size());
        var log = decisions();
        log.assertExactlyOneGrantPerKey();
        keys.forEach(sha ->
                assertThat(log.grantsByKey().get("restart:deploy:" + sha)).containsExactly(granted.get(sha)));
    }

    @Test
    void a_claim_answered_503_carries_its_request_id_and_the_caller_who_retries_is_told_it_proceeds() throws Exception {
        processor.close();
        var sha = sha();
        Answer unanswered;
        try {
            var response = send(body("hire", "deploy", sha, "agent-1", null));
            var health = http.send(HttpRequest.newBuilder(healthUri).build(), HttpResponse.BodyHandlers.ofString());
            unanswered = new Answer(response.statusCode(), parse(response.body()));

            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(unanswered.json())
                    .containsEntry("error", "decision_timeout")
                    .containsKey("requestId");
            assertThat(unanswered.json().get("detail").toString())
                    .contains(unanswered.json().get("requestId").toString());
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(parse(health.body()))
                    .containsEntry("status", "unhealthy")
                    .extractingByKey("error")
                    .asString()
                    .contains("claim processor is not running");
        } finally {
            processor = startProcessor(processorId, stateRoot.resolve("processor-1"), topics);
        }
        // The unanswered claim is still in the log and is decided now: agent-1 holds the task.
        var requestId = unanswered.json().get("requestId").toString();

        var retried = claimUntilDecided(body("hire", "deploy", sha, "agent-1", requestId));
        var askedAgain = claimUntilDecided(body("hire", "deploy", sha, "agent-1", null));
        var other = claimUntilDecided(body("hire", "deploy", sha, "agent-2", null));

        assertThat(retried).containsEntry("proceed", true).containsEntry("requestId", requestId);
        assertThat(askedAgain)
                .containsEntry("proceed", true)
                .containsEntry("redelivery", true)
                .containsEntry("decisionId", retried.get("decisionId"));
        assertThat(askedAgain.get("message").toString()).startsWith("Already claimed by you (agent-1)");
        assertThat(other).containsEntry("proceed", false).containsEntry("claimedBy", "agent-1");
        decisions().assertExactlyOneGrantPerKey();
    }

    @Test
    void an_agent_reusing_another_agents_request_id_is_refused_and_never_proceeds() throws Exception {
        var sha = sha();
        var requestId = "req-" + UUID.randomUUID();

        var first = claim(body("hire", "deploy", sha, "agent-1", requestId));
        var reused = claim(body("hire", "deploy", sha, "agent-2", requestId));
        var reusedForALease = claim("{\"project\":\"hire\",\"task\":\"deploy\",\"gitSha\":\"" + sha
                + "\",\"agentId\":\"agent-1\",\"requestId\":\"" + requestId
                + "\",\"mode\":\"lease\",\"ttlSeconds\":30}");
        var retried = claim(body("hire", "deploy", sha, "agent-1", requestId));

        assertThat(first.json()).containsEntry("proceed", true);
        for (var refused : List.of(reused, reusedForALease)) {
            assertThat(refused.status()).isEqualTo(409);
            assertThat(refused.json())
                    .containsEntry("error", "request_id_conflict")
                    .containsEntry("requestId", requestId)
                    .doesNotContainKey("proceed");
        }
        assertThat(retried.json()).containsEntry("proceed", true).containsEntry("redelivery", true);
        var key = "hire:deploy:" + sha;
        assertThat(decisions().grantsByKey().get(key)).containsExactly("agent-1");
    }

    @Test
    void agents_racing_with_one_request_id_get_one_grant_between_them() throws Exception {
        var shas = IntStream.range(0, 12).mapToObj(i -> sha()).toList();
        var proceeded = new ConcurrentHashMap<String, List<String>>();
        var start = new CountDownLatch(1);
        try (var agents = Executors.newVirtualThreadPerTaskExecutor()) {
            for (var sha : shas) {
                var shared = "req-" + UUID.randomUUID();
                for (int agent = 0; agent < 4; agent++) {
                    var agentId = "sharer-" + agent;
                    agents.submit(() -> {
                        start.await();
                        var answer = claim(body("shared", "deploy", sha, agentId, shared));
                        assertThat(answer.status()).as(answer.json().toString()).isIn(200, 409);
                        if (Boolean.TRUE.equals(answer.json().get("proceed"))) {
                            proceeded
                                    .computeIfAbsent(sha, k -> Collections.synchronizedList(new ArrayList<>()))
                                    .add(agentId);
                        }
                        return null;
                    });
                }
            }
            start.countDown();
        }

        assertThat(proceeded)
                .hasSize(shas.size())
                .allSatisfy((sha, winners) -> assertThat(winners).hasSize(1));
        var log = decisions();
        log.assertExactlyOneGrantPerKey();
        shas.forEach(sha -> assertThat(log.grantsByKey().get("shared:deploy:" + sha))
                .containsExactlyElementsOf(proceeded.get(sha)));
    }

    @Test
    void a_retry_after_many_newer_attempts_on_its_key_gets_its_original_answer_and_is_not_counted_again()
            throws Exception {
        var sha = sha();
        var loser = "req-" + UUID.randomUUID();
        claim(body("hire", "busy", sha, "agent-1", null));
        var denied = claim(body("hire", "busy", sha, "agent-2", loser));
        for (int i = 0; i < 60; i++) {
            claim(body("hire", "busy", sha, "crowd-" + i, null));
        }

        var retried = claim(body("hire", "busy", sha, "agent-2", loser));

        assertThat(retried.json())
                .containsEntry("proceed", false)
                .containsEntry("redelivery", true)
                .containsEntry("decisionId", denied.json().get("decisionId"));
        var key = "hire:busy:" + sha;
        assertThat(awaitCommitted(63, key).events())
                .filteredOn(event -> event.taskKey().equals(key) && !event.redelivery())
                .hasSize(62);
    }

    // --- helpers ---

    private ClaimProcessorService startProcessor(String applicationId, Path stateDir, ClaimTopics claimTopics)
            throws InterruptedException {
        var config = ProcessorProperties.defaults(applicationId, stateDir.toString())
                .toStreamsConfig(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap), claimTopics);
        var started = new ClaimProcessorService(config, claimTopics);
        started.start();
        assertThat(started.awaitRunning(Duration.ofSeconds(60)))
                .as("processor running")
                .isTrue();
        return started;
    }

    private DecisionLog decisions() {
        return DecisionLog.read(bootstrap, topics.decisions());
    }

    /** The committed decision log once it holds {@code count} decisions for keys starting with {@code prefix}. */
    private DecisionLog awaitCommitted(int count, String prefix) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            var log = decisions();
            if (log.events().stream()
                            .filter(event -> event.taskKey().startsWith(prefix))
                            .count()
                    >= count) {
                return log;
            }
            assertThat(System.nanoTime())
                    .as("waiting for %d committed decisions", count)
                    .isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private void awaitDecisionCount(ClaimTopics claimTopics, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (DecisionLog.read(bootstrap, claimTopics.decisions()).events().size() < count) {
            assertThat(System.nanoTime())
                    .as("waiting for %d replayed decisions", count)
                    .isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private static void awaitAnswers(AtomicInteger answers, int atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (answers.get() < atLeast) {
            assertThat(System.nanoTime()).as("waiting for %d answers", atLeast).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private long requestsWritten() throws Exception {
        try (var admin = Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            var partitions = IntStream.range(0, PARTITIONS)
                    .mapToObj(p -> new org.apache.kafka.common.TopicPartition(
                            topics.requests().name(), p))
                    .collect(java.util.stream.Collectors.toMap(
                            p -> p, p -> org.apache.kafka.clients.admin.OffsetSpec.latest()));
            return admin.listOffsets(partitions).all().get().values().stream()
                    .mapToLong(info -> info.offset())
                    .sum();
        }
    }

    record Answer(int status, Map<String, Object> json) {}

    private Answer claim(String body) throws IOException, InterruptedException {
        var response = send(body);
        return new Answer(response.statusCode(), parse(response.body()));
    }

    /** Claims as an agent does: retry a 503 with the same request id until decided. */
    private Map<String, Object> claimUntilDecided(String body) throws IOException, InterruptedException {
        for (int attempt = 0; attempt < 30; attempt++) {
            var answer = claim(body);
            if (answer.status() == 200) {
                return answer.json();
            }
            assertThat(answer.status()).as(answer.json().toString()).isEqualTo(503);
        }
        throw new AssertionError("no decision after 30 attempts for " + body);
    }

    private HttpResponse<String> send(String body) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(claimUri)
                        .header("Content-Type", "application/json")
                        .timeout(DECISION_TIMEOUT.plusSeconds(10))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, Object> parse(String json) {
        return Json.MAPPER.readValue(json, new TypeReference<Map<String, Object>>() {});
    }

    private static String body(String project, String task, String sha, String agentId, String requestId) {
        var fields = new java.util.LinkedHashMap<String, String>();
        fields.put("project", project);
        fields.put("task", task);
        fields.put("gitSha", sha);
        fields.put("agentId", agentId);
        if (requestId != null) {
            fields.put("requestId", requestId);
        }
        return Json.MAPPER.writeValueAsString(fields);
    }

    private static String sha() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        }
    }
}
