package dev.turnstile.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnstile.contracts.topic.ClaimTopics;
import dev.turnstile.gateway.security.AgentTokens;
import dev.turnstile.kafka.local.SharedTestKafka;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * With agent tokens on, no spelling of a claim or lease path is answered by a claim or lease handler without a token:
 * each is refused with 401 (by the token check, counted, or by another rule) or rejected as malformed or unknown, and
 * nothing reaches the requests topic. Sent over a plain socket, so that the path goes on the wire exactly as written;
 * to a gateway without Spring Security (the token check alone) and to one with Spring Security's defaults (its
 * firewall and chains, and the gateway's own chain).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentTokensGuardEveryPathSpellingIT {

    private static final String TOKEN = "ci-" + UUID.randomUUID();

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final ClaimTopics topics = ClaimTopics.named("claim-requests-" + run, "claim-decisions-" + run);
    private final Map<String, ConfigurableApplicationContext> gateways = new java.util.LinkedHashMap<>();

    /** One way of writing a request to an agent endpoint. */
    record Spelling(String method, String target, Kind kind, String... headers) {
        @Override
        public String toString() {
            return method + " " + target + (headers.length == 0 ? "" : " " + String.join(", ", headers));
        }
    }

    /** Which endpoint a spelling means, so that its body is one that endpoint would accept. */
    enum Kind {
        CLAIM,
        RENEW,
        RELEASE,
        COMPLETE,
        OUTCOME
    }

    static final List<Spelling> SPELLINGS = List.of(
            new Spelling("POST", "/api/claim", Kind.CLAIM),
            new Spelling("POST", "/api/%63laim", Kind.CLAIM),
            new Spelling("POST", "/api/clai%6D", Kind.CLAIM),
            new Spelling("POST", "/api/cl%61im", Kind.CLAIM),
            new Spelling("POST", "/%61pi/claim", Kind.CLAIM),
            new Spelling("POST", "/api/%43laim", Kind.CLAIM),
            new Spelling("POST", "//api/claim", Kind.CLAIM),
            new Spelling("POST", "/api//claim", Kind.CLAIM),
            new Spelling("POST", "/api/./claim", Kind.CLAIM),
            new Spelling("POST", "/./api/claim", Kind.CLAIM),
            new Spelling("POST", "/api/x/../claim", Kind.CLAIM),
            new Spelling("POST", "/x/%2e%2e/api/claim", Kind.CLAIM),
            new Spelling("POST", "/api/%2e/claim", Kind.CLAIM),
            new Spelling("POST", "/api/claim/", Kind.CLAIM),
            new Spelling("POST", "/api/claim;jsessionid=0123456789", Kind.CLAIM),
            new Spelling("POST", "/api;x=1/claim", Kind.CLAIM),
            new Spelling("POST", "/api/claim%3Bx=1", Kind.CLAIM),
            new Spelling("POST", "/api%2Fclaim", Kind.CLAIM),
            new Spelling("POST", "/api/claim%2F", Kind.CLAIM),
            new Spelling("POST", "/API/claim", Kind.CLAIM),
            new Spelling("POST", "/api/CLAIM", Kind.CLAIM),
            new Spelling("POST", "/api/claim?x=1", Kind.CLAIM),
            new Spelling("POST", "http://127.0.0.1/api/%63laim", Kind.CLAIM),
            new Spelling("POST", "/api/%63laim", Kind.CLAIM, "Authorization: Basic YW5hbHlzdDpub3BlCg=="),
            new Spelling("POST", "/api/%63laim", Kind.CLAIM, "Authorization: Bearer"),
            new Spelling("POST", "/api/%63laim?_method=GET", Kind.CLAIM),
            new Spelling("GET", "/api/%63laim", Kind.CLAIM, "X-HTTP-Method-Override: POST"),
            new Spelling("PUT", "/api/%63laim", Kind.CLAIM, "X-HTTP-Method: POST"),
            new Spelling("HEAD", "/api/%63laim", Kind.CLAIM),
            new Spelling("POST", "/api/lease/renew", Kind.RENEW),
            new Spelling("POST", "/api/%6Cease/renew", Kind.RENEW),
            new Spelling("POST", "/api/lease/%72enew", Kind.RENEW),
            new Spelling("POST", "/api/lease/renew/", Kind.RENEW),
            new Spelling("POST", "/api/lease/./renew", Kind.RENEW),
            new Spelling("POST", "/api/lease;a=b/renew", Kind.RENEW),
            new Spelling("POST", "/api/lease/release", Kind.RELEASE),
            new Spelling("POST", "/api/%6Cease/release", Kind.RELEASE),
            new Spelling("POST", "/api/lease/releas%65", Kind.RELEASE),
            new Spelling("POST", "/api/lease/release;jsessionid=1", Kind.RELEASE),
            new Spelling("POST", "/api/claim/complete", Kind.COMPLETE),
            new Spelling("POST", "/api/%63laim/complete", Kind.COMPLETE),
            new Spelling("POST", "/api/claim/%63omplete", Kind.COMPLETE),
            new Spelling("POST", "/api/claim/x/../complete", Kind.COMPLETE),
            new Spelling("POST", "/api/claim;a=1/complete", Kind.COMPLETE),
            new Spelling("GET", "/api/claim/outcome", Kind.OUTCOME),
            new Spelling("GET", "/api/%63laim/outcome", Kind.OUTCOME),
            new Spelling("GET", "/api/claim/%6Futcome", Kind.OUTCOME),
            new Spelling("GET", "/api/claim/outcome;jsessionid=1", Kind.OUTCOME),
            new Spelling("GET", "/api//claim/outcome", Kind.OUTCOME),
            new Spelling("HEAD", "/api/%63laim/outcome", Kind.OUTCOME),
            new Spelling("POST", "/api/%63laim/outcome?_method=GET", Kind.OUTCOME));

    @BeforeAll
    void start() throws Exception {
        var bootstrap = SharedTestKafka.bootstrapServers();
        try (var admin = Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(
                            new NewTopic(topics.requests().name(), ClaimTopics.DEFAULT_PARTITIONS, (short) 1),
                            new NewTopic(topics.decisions().name(), ClaimTopics.DEFAULT_PARTITIONS, (short) 1)))
                    .all()
                    .get();
        }
        gateways.put(
                "without Spring Security",
                start(
                        bootstrap,
                        String.join(
                                ",",
                                "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
                                "org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterAutoConfiguration",
                                "org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration",
                                "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration",
                                "org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration")));
        gateways.put("with Spring Security's defaults", start(bootstrap, ""));
    }

    /** No processor: a request that reached a claim handler would be written, then answered 503 after 1 s. */
    private ConfigurableApplicationContext start(String bootstrap, String excludedAutoConfigurations) {
        return new SpringApplicationBuilder(GatewayApplication.class)
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
                        "turnstile.gateway.decision-timeout",
                        "1s",
                        "turnstile.security.agent-tokens",
                        AgentTokens.digestOf(TOKEN),
                        "spring.autoconfigure.exclude",
                        excludedAutoConfigurations))
                .run();
    }

    @AfterAll
    void stop() {
        gateways.values().forEach(ConfigurableApplicationContext::close);
    }

    @Test
    void a_claim_or_lease_handler_never_answers_without_a_token_however_the_path_is_spelled() throws Exception {
        long writtenBefore = requestsWritten();
        var problems = new ArrayList<String>();
        for (var gateway : gateways.entrySet()) {
            var statuses = new java.util.TreeMap<Integer, Integer>();
            for (int i = 0; i < SPELLINGS.size(); i++) {
                var spelling = SPELLINGS.get(i);
                var problem = check(gateway.getValue(), spelling, i, statuses);
                if (problem != null) {
                    problems.add(gateway.getKey() + ": " + spelling + ": " + problem);
                }
            }
            System.out.println(gateway.getKey() + ": " + SPELLINGS.size() + " spellings without a token, answers by"
                    + " status: " + statuses);
        }

        assertThat(problems).as("spellings answered without a token").isEmpty();
        assertThat(requestsWritten()).as("records on the requests topic").isEqualTo(writtenBefore);
    }

    /** What is wrong with the answer to one spelling, or null. */
    private String check(
            ConfigurableApplicationContext gateway, Spelling spelling, int index, Map<Integer, Integer> statuses)
            throws Exception {
        double refusedBefore = unauthorized(gateway);
        var answer = RawHttp.send(
                port(gateway),
                spelling.method(),
                target(spelling, index),
                body(spelling.kind(), index),
                withJson(spelling));
        double counted = unauthorized(gateway) - refusedBefore;
        statuses.merge(answer.status(), 1, Integer::sum);
        boolean tokenCheck = answer.body().contains("\"error\":\"missing_token\"")
                || answer.body().contains("\"error\":\"unknown_token\"");
        if (tokenCheck && counted != 1.0) {
            return "refused by the token check but counted " + counted + " times";
        }
        if (!List.of(400, 401, 403, 404, 405).contains(answer.status())
                || answer.body().contains("invalid_request")
                || answer.body().contains("decision_timeout")
                || answer.body().contains("\"proceed\"")
                || answer.body().contains("\"status\":\"unknown\"")) {
            return "answered " + answer.status() + " " + answer.body();
        }
        return null;
    }

    @Test
    void with_the_token_the_same_spellings_reach_the_handlers_so_the_refusals_above_are_the_token_checks()
            throws Exception {
        for (var gateway : gateways.values()) {
            var outcome = RawHttp.send(
                    port(gateway),
                    "GET",
                    "/api/%63laim/outcome?taskKey=hire:deploy:3f9c2ab",
                    null,
                    "Authorization: Bearer " + TOKEN);
            var claim = RawHttp.send(
                    port(gateway),
                    "POST",
                    "/api/clai%6D",
                    body(Kind.CLAIM, 1000),
                    "Authorization: Bearer " + TOKEN,
                    "Content-Type: application/json");

            assertThat(outcome.status()).as(outcome.body()).isEqualTo(200);
            assertThat(outcome.body()).contains("\"status\":\"unknown\"");
            assertThat(claim.body())
                    .as("written, then no processor to decide it")
                    .contains("decision_timeout");
        }
    }

    /** An outcome query names a task key, as an agent's would. */
    private static String target(Spelling spelling, int index) {
        if (spelling.kind() != Kind.OUTCOME) {
            return spelling.target();
        }
        return spelling.target() + (spelling.target().contains("?") ? "&" : "?") + "taskKey=spelling-" + index
                + ":deploy:3f9c2ab";
    }

    private static String[] withJson(Spelling spelling) {
        var headers = new ArrayList<>(List.of(spelling.headers()));
        headers.add("Content-Type: application/json");
        return headers.toArray(String[]::new);
    }

    private static String body(Kind kind, int index) {
        var key =
                "\"project\":\"spelling-" + index + "\",\"task\":\"deploy\",\"gitSha\":\"3f9c2ab\",\"agentId\":\"a1\"";
        return switch (kind) {
            case CLAIM -> "{" + key + "}";
            case RENEW, RELEASE -> "{" + key + ",\"fencingToken\":1}";
            case COMPLETE -> "{" + key + ",\"fencingToken\":1,\"outcome\":\"succeeded\"}";
            case OUTCOME -> null;
        };
    }

    private static int port(ConfigurableApplicationContext gateway) {
        return Integer.parseInt(gateway.getEnvironment().getProperty("local.server.port"));
    }

    private static double unauthorized(ConfigurableApplicationContext gateway) {
        return gateway.getBean(MeterRegistry.class).find("turnstile.gateway.unauthorized").counters().stream()
                .mapToDouble(counter -> counter.count())
                .sum();
    }

    private long requestsWritten() throws Exception {
        try (var admin = Admin.create(
                Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, SharedTestKafka.bootstrapServers()))) {
            var partitions = IntStream.range(0, ClaimTopics.DEFAULT_PARTITIONS)
                    .mapToObj(p -> new TopicPartition(topics.requests().name(), p))
                    .collect(java.util.stream.Collectors.toMap(p -> p, p -> OffsetSpec.latest()));
            return admin.listOffsets(partitions).all().get().values().stream()
                    .mapToLong(info -> info.offset())
                    .sum();
        }
    }
}
