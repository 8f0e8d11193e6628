package dev.turnstile.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.turnstile.contracts.claim.ClaimEvent;
import dev.turnstile.contracts.claim.LeaseExpired;
import dev.turnstile.contracts.json.Json;
import dev.turnstile.contracts.topic.ClaimTopics;
import dev.turnstile.kafka.local.SharedTestKafka;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.core.type.TypeReference;

/**
 * Leases end to end over HTTP on a real Kafka broker: a holder that stops heartbeating (as a killed agent does) is
 * replaced after its TTL, fencing tokens strictly increase across holders, a waiting agent learns the winner's
 * outcome, and replaying the request log into a fresh processor reproduces every lease decision.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LeasesOnLocalBrokerIT {

    private static final int PARTITIONS = ClaimTopics.DEFAULT_PARTITIONS;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final ClaimTopics topics = ClaimTopics.named("lease-requests-" + run, "lease-decisions-" + run);

    private String bootstrap;
    private Path stateRoot;
    private ClaimProcessorService processor;
    private ConfigurableApplicationContext gateway;
    private String baseUrl;

    @BeforeAll
    void start() throws Exception {
        bootstrap = SharedTestKafka.bootstrapServers();
        stateRoot = Files.createTempDirectory("turnstile-leases-");
        createTopics(topics.requests().name(), topics.decisions().name());
        processor = startProcessor(
                "lease-processor-" + run, stateRoot.resolve("processor"), topics, Duration.ofMillis(200));
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
                        "lease-processor-" + run))
                .run();
        baseUrl = "http://127.0.0.1:" + gateway.getEnvironment().getProperty("local.server.port");
    }

    @AfterAll
    void stop() throws IOException {
        if (gateway != null) {
            gateway.close();
        }
        if (processor != null) {
            processor.close();
        }
        try (var paths = Files.walk(stateRoot)) {
            paths.sorted(java.util.Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        }
    }

    @Test
    void a_holder_that_stops_renewing_is_replaced_after_its_ttl_and_fencing_tokens_strictly_increase()
            throws Exception {
        var sha = sha();
        var first = post("/api/claim", lease("failover", sha, "agent-1", 1));
        assertThat(first.json()).containsEntry("proceed", true).containsEntry("fencingToken", 1);
        assertThat(post("/api/lease/renew", holder("failover", sha, "agent-1", 1))
                        .status())
                .isEqualTo(200);
        // agent-1 is killed here: it never renews or releases again.

        var second = awaitGrant("failover", sha, "agent-2");
        assertThat(second.json().get("fencingToken")).isEqualTo(2);
        var staleRenew = post("/api/lease/renew", holder("failover", sha, "agent-1", 1));
        assertThat(staleRenew.status()).isEqualTo(409);
        assertThat(staleRenew.json())
                .containsEntry("reason", "stale_token")
                .containsEntry("heldBy", "agent-2")
                .containsEntry("currentFencingToken", 2);

        // agent-2 is killed too; agent-3 takes over.
        var third = awaitGrant("failover", sha, "agent-3");
        assertThat(third.json().get("fencingToken")).isEqualTo(3);
        assertThat(post("/api/lease/release", holder("failover", sha, "agent-3", 3))
                        .json())
                .containsEntry("accepted", true)
                .containsEntry("result", "released");

        var key = "failover:deploy:" + sha;
        var log = awaitDecisions(
                key,
                events -> events.stream().filter(e -> e instanceof LeaseExpired).count() == 2);
        assertThat(log)
                .filteredOn(ClaimEvent::wasGranted)
                .extracting(ClaimEvent::fencingToken)
                .containsExactly(1L, 2L, 3L);
        assertThat(log)
                .filteredOn(event -> event instanceof LeaseExpired)
                .extracting(ClaimEvent::agentId)
                .containsExactly("agent-1", "agent-2");
    }

    @Test
    void a_denied_agent_waiting_for_the_winner_learns_its_outcome() throws Exception {
        var sha = sha();
        var winner = post("/api/claim", once("wait", sha, "winner"));
        var loser = post("/api/claim", once("wait", sha, "loser"));
        assertThat(loser.json()).containsEntry("proceed", false);

        var waiting = CompletableFuture.supplyAsync(
                () -> get("/api/claim/outcome?taskKey=wait:deploy:" + sha + "&waitSeconds=20"));
        await().pollDelay(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> true);
        assertThat(waiting).isNotDone();
        var done = post(
                "/api/claim/complete",
                completion("wait", sha, "winner", ((Number) winner.json().get("fencingToken")).longValue(), "failed"));

        assertThat(done.json()).containsEntry("result", "completed");
        assertThat(waiting.get().json())
                .containsEntry("status", "failed")
                .containsEntry("ended", true)
                .containsEntry("agentId", "winner");
        assertThat(post("/api/claim", once("wait", sha, "late")).json())
                .containsEntry("proceed", false)
                .containsEntry("outcome", "failed");
    }

    @Test
    void replaying_the_request_log_into_a_fresh_processor_reproduces_every_lease_decision() throws Exception {
        var sha = sha();
        post("/api/claim", lease("replay", sha, "agent-1", 1));
        post("/api/claim", lease("replay", sha, "agent-2", 1));
        post("/api/lease/renew", holder("replay", sha, "agent-1", 1));
        awaitGrant("replay", sha, "agent-2");
        post("/api/lease/renew", holder("replay", sha, "agent-1", 1));
        post("/api/claim/complete", completion("replay", sha, "agent-2", 2, "succeeded"));
        var key = "replay:deploy:" + sha;
        var original = awaitDecisions(
                key,
                events -> events.stream()
                        .anyMatch(e -> e.agentId().equals("agent-2")
                                && e.getClass().getSimpleName().equals("ClaimCompleted")));
        var replayTopics = ClaimTopics.named(topics.requests().name(), "lease-decisions-replay-" + run);
        createTopics(replayTopics.decisions().name());

        try (var replay =
                startProcessor("lease-replay-" + run, stateRoot.resolve("replay"), replayTopics, Duration.ZERO)) {
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> decisionsOf(replayTopics, key).size() >= original.size());
        }

        assertThat(decisionsOf(replayTopics, key)).isEqualTo(original);
        assertThat(original)
                .extracting(event -> event.getClass().getSimpleName())
                .contains(
                        "ClaimGranted",
                        "ClaimDenied",
                        "LeaseRenewed",
                        "LeaseExpired",
                        "RequestRefused",
                        "ClaimCompleted");
    }

    // --- helpers ---

    /** Claims as a waiting agent does: a new attempt (new request id) every 200 ms until granted. */
    private Answer awaitGrant(String project, String sha, String agent) {
        return await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(200))
                .until(
                        () -> post("/api/claim", lease(project, sha, agent, 1)),
                        answer -> Boolean.TRUE.equals(answer.json().get("proceed")));
    }

    private List<ClaimEvent> awaitDecisions(String key, java.util.function.Predicate<List<ClaimEvent>> complete) {
        return await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> decisionsOf(topics, key), complete);
    }

    private List<ClaimEvent> decisionsOf(ClaimTopics claimTopics, String key) {
        return DecisionLog.read(bootstrap, claimTopics.decisions()).byKey().getOrDefault(key, List.of());
    }

    private ClaimProcessorService startProcessor(String id, Path stateDir, ClaimTopics claimTopics, Duration checks)
            throws InterruptedException {
        var config = ProcessorProperties.defaults(id, stateDir.toString())
                .toStreamsConfig(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap), claimTopics);
        var started = new ClaimProcessorService(config, claimTopics, checks);
        started.start();
        assertThat(started.awaitRunning(Duration.ofSeconds(60)))
                .as("processor running")
                .isTrue();
        return started;
    }

    private void createTopics(String... names) throws Exception {
        try (var admin = Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(java.util.Arrays.stream(names)
                            .map(name -> new NewTopic(name, PARTITIONS, (short) 1))
                            .toList())
                    .all()
                    .get();
        }
    }

    record Answer(int status, Map<String, Object> json) {}

    private Answer post(String path, Map<String, Object> body) {
        return exchange(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.MAPPER.writeValueAsString(body))));
    }

    private Answer get(String pathAndQuery) {
        return exchange(
                HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery)).GET());
    }

    private Answer exchange(HttpRequest.Builder request) {
        try {
            var response =
                    http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(
                    response.statusCode(),
                    Json.MAPPER.readValue(response.body(), new TypeReference<Map<String, Object>>() {}));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> once(String project, String sha, String agent) {
        var body = key(project, sha, agent);
        body.put("requestId", "req-" + UUID.randomUUID());
        return body;
    }

    private static Map<String, Object> lease(String project, String sha, String agent, int ttlSeconds) {
        var body = once(project, sha, agent);
        body.put("mode", "lease");
        body.put("ttlSeconds", ttlSeconds);
        return body;
    }

    private static Map<String, Object> holder(String project, String sha, String agent, long token) {
        var body = key(project, sha, agent);
        body.put("fencingToken", token);
        return body;
    }

    private static Map<String, Object> completion(
            String project, String sha, String agent, long token, String outcome) {
        var body = holder(project, sha, agent, token);
        body.put("outcome", outcome);
        return body;
    }

    private static Map<String, Object> key(String project, String sha, String agent) {
        var body = new LinkedHashMap<String, Object>();
        body.put("project", project);
        body.put("task", "deploy");
        body.put("gitSha", sha);
        body.put("agentId", agent);
        return body;
    }

    private static String sha() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }
}
