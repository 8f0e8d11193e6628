package dev.turnstile.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.turnstile.client.ClaimClient;
import dev.turnstile.client.ClaimRejectedException;
import dev.turnstile.client.ClaimRequest;
import dev.turnstile.client.RetrySettings;
import dev.turnstile.client.jobs.JobClient;
import dev.turnstile.client.jobs.NewJob;
import dev.turnstile.contracts.claim.ClaimOutcome;
import dev.turnstile.contracts.claim.ClaimPolicy;
import dev.turnstile.kafka.local.SharedTestKafka;
import dev.turnstile.processor.ProcessorTopology;
import dev.turnstile.processor.claim.ClaimProcessorService;
import dev.turnstile.processor.config.ProcessorProperties;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.CommonClientConfigs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The HTTP contract, end to end: the Java client talks to the real gateway (real broker, production processor)
 * through a recording proxy, and every answer it got — decisions, refusals and problems — is checked against the
 * OpenAPI document the gateway serves without a login.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientContractOnLocalBrokerIT {

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final HttpClient http = HttpClient.newHttpClient();
    private Path stateDir;
    private ClaimProcessorService processor;
    private ConfigurableApplicationContext gateway;
    private String base;
    private RecordingProxy proxy;
    private OpenApiDocument document;

    @BeforeAll
    void start() throws Exception {
        var bootstrap = SharedTestKafka.bootstrapServers();
        var claimTopics = SharedTestKafka.freshClaimTopics();
        var jobTopics = SharedTestKafka.freshJobTopics();
        stateDir = Files.createTempDirectory("turnstile-contract-");
        var settings = ProcessorProperties.defaults("contract-" + run, stateDir.toString());
        processor = new ClaimProcessorService(
                settings.toStreamsConfig(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap), claimTopics),
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
        gateway = new SpringApplicationBuilder(GatewayApplication.class)
                .properties(Map.of(
                        "server.port",
                        "0",
                        "spring.kafka.bootstrap-servers",
                        bootstrap,
                        "turnstile.topics.requests",
                        claimTopics.requests().name(),
                        "turnstile.topics.decisions",
                        claimTopics.decisions().name(),
                        "turnstile.topics.job-requests",
                        jobTopics.requests().name(),
                        "turnstile.topics.job-events",
                        jobTopics.events().name(),
                        "turnstile.processor.enabled",
                        "false",
                        "spring.main.banner-mode",
                        "off"))
                .run();
        base = "http://127.0.0.1:" + gateway.getEnvironment().getProperty("local.server.port");
        proxy = new RecordingProxy(base);
        var docs = get(base + "/v3/api-docs");
        assertThat(docs.statusCode()).as(docs.body()).isEqualTo(200);
        document = new OpenApiDocument(docs.body());
    }

    @AfterAll
    void stop() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        if (processor != null) {
            processor.close();
        }
        http.close();
    }

    @Test
    void the_document_is_openapi_3_1_and_the_api_page_is_served_without_a_login() throws Exception {
        assertThat(document.version()).startsWith("3.1");
        var page = get(base + "/swagger-ui/index.html");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("swagger-ui");
    }

    @Test
    void every_answer_the_java_client_gets_conforms_to_the_served_document() throws Exception {
        var before = proxy.exchanges().size();
        var retry = RetrySettings.DEFAULTS.withMaxAttempts(2);
        try (var client = ClaimClient.builder(proxy.url())
                        .retry(retry)
                        .logger(line -> {})
                        .build();
                var jobs = JobClient.builder(proxy.url()).logger(line -> {}).build()) {
            var sha = "c0ffee" + Integer.toHexString(run.hashCode() & 0xfff);
            var mine = ClaimRequest.of("contract-" + run, "deploy", sha).withAgentId("agent-1");
            var theirs = mine.withAgentId("agent-2");

            var granted = client.claim(mine, ClaimPolicy.lease(60));
            assertThat(granted.proceed()).isTrue();
            assertThat(client.claim(theirs).proceed()).isFalse();
            assertThat(client.renew(mine, granted.fencingToken(), Duration.ofSeconds(30))
                            .accepted())
                    .isTrue();
            assertThat(client.renew(theirs, granted.fencingToken(), null).accepted())
                    .isFalse();
            assertThat(client.complete(mine, granted.fencingToken(), ClaimOutcome.SUCCEEDED)
                            .accepted())
                    .isTrue();
            assertThat(client.release(mine, granted.fencingToken()).accepted()).isFalse();
            assertThat(client.awaitOutcome(granted.taskKey(), Duration.ZERO).status())
                    .isEqualTo("succeeded");
            // Healthy or not (the processor group's state decides), the answer is the documented one.
            assertThat(client.health().status()).isIn("healthy", "unhealthy");
            // A request id reused for another request: 409, a problem whose violation names the field.
            assertThatThrownBy(() -> client.claim(theirs.withRequestId(granted.requestId())))
                    .isInstanceOfSatisfying(
                            ClaimRejectedException.class,
                            rejected -> assertThat(rejected.violations())
                                    .extracting(violation -> violation.field())
                                    .containsExactly("requestId"));

            var queue = "contract-" + run;
            var enqueued = jobs.enqueue(queue, NewJob.named("send-welcome"));
            assertThat(enqueued.created()).isTrue();
            assertThat(jobs.enqueue(queue, NewJob.named("send-welcome").jobId(enqueued.jobId()))
                            .created())
                    .isFalse();
            var job = jobs.claimNext(queue, "worker-1", Duration.ofSeconds(5)).orElseThrow();
            assertThat(jobs.heartbeat(job, 50, "halfway").accepted()).isTrue();
            assertThat(jobs.appendLogs(job, List.of("line 1")).accepted()).isTrue();
            assertThat(jobs.complete(job, Map.of("sent", true)).accepted()).isTrue();
            assertThat(jobs.heartbeat(job, null, null).accepted()).isFalse();
            assertThat(jobs.claimNext(queue, "worker-1", Duration.ZERO)).isEmpty();
        }

        // What no client sends, but the contract promises: problems for broken requests.
        send("POST", "/api/claim", "application/json", "{\"project\":");
        send("POST", "/api/claim", "application/json", "{\"project\":\"p\",\"colour\":\"red\"}");
        send("POST", "/api/claim", "text/plain", "{}");
        send("POST", "/api/queues/contract/jobs", "application/json", "[1]");

        var all = proxy.exchanges();
        var checked = all.subList(before, all.size());
        assertThat(checked).extracting(RecordingProxy.Exchange::status).contains(200, 201, 204, 400, 409, 415);
        var problems = new ArrayList<String>();
        checked.forEach(exchange -> problems.addAll(document.check(exchange)));
        assertThat(problems).isEmpty();
        assertThat(checked).filteredOn(exchange -> exchange.status() == 400).allSatisfy(exchange -> {
            assertThat(exchange.contentType()).startsWith("application/problem+json");
            assertThat(exchange.body())
                    .contains("\"type\":\"https://turnstile.dev/problems/invalid-request\"")
                    .contains("\"instance\":\"" + exchange.path() + "\"");
        });
        assertThat(checked.stream()
                        .filter(exchange -> exchange.body().contains("not valid JSON"))
                        .findFirst()
                        .orElseThrow()
                        .body())
                .contains("The request body is not valid JSON: unexpected end at line 1 column 12")
                .doesNotContain("Source", "StreamReadFeature");
    }

    @Test
    void a_wrong_method_and_the_error_page_answer_problems_too() throws Exception {
        var before = proxy.exchanges().size();
        send("GET", "/api/claim", null, null);
        // Unknown paths fall to the application's own rules (here Spring Boot's default login); the error page is
        // the gateway's.
        send("GET", "/error", null, null);
        var answers = proxy.exchanges().subList(before, before + 2);
        assertThat(answers).extracting(RecordingProxy.Exchange::status).containsExactly(405, 404);
        var problems = new ArrayList<String>();
        answers.forEach(exchange -> problems.addAll(document.checkProblem(exchange)));
        assertThat(problems).isEmpty();
    }

    private void send(String method, String path, String contentType, String body) throws Exception {
        var request = HttpRequest.newBuilder(proxy.url().resolve(path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        http.send(request.build(), HttpResponse.BodyHandlers.discarding());
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
