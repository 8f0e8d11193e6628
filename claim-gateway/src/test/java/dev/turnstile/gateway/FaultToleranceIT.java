package dev.turnstile.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnstile.client.ClaimClient;
import dev.turnstile.client.ClaimRequest;
import dev.turnstile.client.RetrySettings;
import dev.turnstile.contracts.claim.ClaimRequested;
import dev.turnstile.contracts.claim.TaskKey;
import dev.turnstile.contracts.topic.ClaimTopics;
import dev.turnstile.history.ClientHistory;
import dev.turnstile.history.CommittedDecisions;
import dev.turnstile.history.HistoryChecker;
import dev.turnstile.kafka.local.LocalKafkaBroker;
import dev.turnstile.kafka.local.SharedTestKafka;
import dev.turnstile.processor.claim.ClaimProcessorService;
import dev.turnstile.processor.claim.PoisonCommandHandler;
import dev.turnstile.processor.config.ProcessorProperties;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Faults under load, on real brokers: agents keep claiming with the real client (retries with backoff, same
 * request id) while a processor is killed, the broker restarts, or processors come and go. Every attempt is
 * recorded as the client saw it; afterwards the {@link HistoryChecker} reads the committed decisions from offset 0
 * and proves that no answer an agent received is contradicted by the log, no acknowledged grant is lost, no key has
 * two valid holders, and real-time order is kept.
 */
class FaultToleranceIT {

    private static final int PARTITIONS = ClaimTopics.DEFAULT_PARTITIONS;

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final ClaimTopics topics = ClaimTopics.named("fault-requests-" + run, "fault-decisions-" + run);
    private final String processorId = "fault-processor-" + run;
    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private Path work;

    @BeforeEach
    void createWorkDir() throws IOException {
        work = Files.createTempDirectory("turnstile-faults-");
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (var resource : cleanup.reversed()) {
            resource.close();
        }
        try (var paths = Files.walk(work)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        }
    }

    @Test
    void a_processor_killed_hard_under_load_and_restarted_grants_no_key_twice_and_loses_no_attempt() throws Exception {
        var bootstrap = SharedTestKafka.bootstrapServers();
        createTopics(bootstrap);
        var processor = startProcessorProcess(bootstrap);
        var gateway = startGateway(bootstrap);
        var load = new Load(gateway, 40, 16);

        load.start();
        load.awaitAnswers(150);
        processor.destroyForcibly().waitFor();
        int answeredBeforeRestart = load.answered();
        startProcessorProcess(bootstrap);
        load.awaitAnswers(answeredBeforeRestart + 150);
        load.stop();

        load.verify(bootstrap);
    }

    @Test
    void a_broker_restarted_under_load_grants_no_key_twice_and_loses_no_attempt() throws Exception {
        int clientPort = freePort();
        int controllerPort = freePort();
        var dataDir = work.resolve("broker");
        var broker = startBroker(dataDir, clientPort, controllerPort);
        var bootstrap = broker.bootstrapServers();
        createTopics(bootstrap);
        startProcessor(bootstrap, "p1");
        var gateway = startGateway(bootstrap);
        var load = new Load(gateway, 40, 16);

        load.start();
        load.awaitAnswers(100);
        broker.close();
        int answeredBeforeRestart = load.answered();
        startBroker(dataDir, clientPort, controllerPort);
        load.awaitAnswers(answeredBeforeRestart + 150);
        load.stop();

        load.verify(bootstrap);
    }

    @Test
    void processors_joining_and_leaving_under_load_grant_no_key_twice_and_lose_no_attempt() throws Exception {
        var bootstrap = SharedTestKafka.bootstrapServers();
        createTopics(bootstrap);
        var first = startProcessor(bootstrap, "p1");
        var gateway = startGateway(bootstrap);
        var load = new Load(gateway, 40, 16);

        load.start();
        load.awaitAnswers(100);
        startProcessor(bootstrap, "p2");
        load.awaitAnswers(load.answered() + 100);
        first.close();
        load.awaitAnswers(load.answered() + 100);
        load.stop();

        load.verify(bootstrap);
    }

    @Test
    void poison_records_go_to_the_dead_letter_topic_with_the_reason_and_claims_are_still_decided() throws Exception {
        var bootstrap = SharedTestKafka.bootstrapServers();
        createTopics(bootstrap);
        var processor = startProcessor(bootstrap, "p1");
        var gateway = startGateway(bootstrap);
        var wrongKey = ClaimRequested.of(new TaskKey("hire", "deploy", "abcdef1"), "a1", "req-poison-1", Instant.now());
        try (var producer = new KafkaProducer<>(
                Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.send(
                    new ProducerRecord<>(topics.requests().name(), bytes("hire:deploy:abcdef1"), bytes("{not json")));
            producer.send(new ProducerRecord<>(
                    topics.requests().name(),
                    bytes("other:deploy:abcdef1"),
                    topics.requests().valueSerde().serializer().serialize("", wrongKey)));
        }

        try (var client = client(gateway)) {
            var answer = client.claim(new ClaimRequest("hire", "deploy", "abcdef1", "after-poison", null));
            assertThat(answer.proceed()).isTrue();
        }

        var deadLetters = readAll(bootstrap, topics.deadLetterTopicName(), 2);
        assertThat(deadLetters)
                .extracting(reason -> reason)
                .anySatisfy(reason -> assertThat(reason).contains("not a valid ClaimCommand"))
                .anySatisfy(reason -> assertThat(reason).contains("does not match"));
        assertThat(processor.streams().metrics().entrySet().stream()
                        .filter(metric -> metric.getKey().name().equals("dropped-records-total"))
                        .mapToDouble(metric -> (Double) metric.getValue().metricValue())
                        .sum())
                .isEqualTo(2.0);
    }

    /**
     * Agents claiming a fixed set of keys over and over, each attempt with its own request id, via the client (which
     * retries with the same request id). Every attempt is recorded in a client history for the checker.
     */
    private final class Load {

        private final URI gateway;
        private final List<String> shas;
        private final int agents;
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicInteger answered = new AtomicInteger();
        private final ClientHistory history = new ClientHistory();
        private final List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        private java.util.concurrent.ExecutorService executor;

        Load(URI gateway, int keys, int agents) {
            this.gateway = gateway;
            this.shas = IntStream.range(0, keys)
                    .mapToObj(i -> UUID.randomUUID().toString().replace("-", "").substring(0, 12))
                    .toList();
            this.agents = agents;
        }

        void start() {
            executor = Executors.newVirtualThreadPerTaskExecutor();
            for (int agent = 0; agent < agents; agent++) {
                var agentId = "fault-agent-" + agent;
                int offset = agent;
                executor.submit(() -> {
                    try (var client = client(gateway)) {
                        for (int round = 0; !stop.get(); round++) {
                            var sha = shas.get(Math.floorMod(round * 7 + offset * 3, shas.size()));
                            var requestId = UUID.randomUUID().toString();
                            var attempt = history.invoke("fault:deploy:" + sha, agentId, requestId);
                            try {
                                var result = client.claim(new ClaimRequest("fault", "deploy", sha, agentId, requestId));
                                attempt.answered(result.proceed(), result.claimedBy(), result.fencingToken());
                            } catch (RuntimeException e) {
                                attempt.unknown(String.valueOf(e.getMessage()));
                                throw e;
                            }
                            answered.incrementAndGet();
                        }
                    } catch (RuntimeException e) {
                        failures.add(e);
                    }
                });
            }
        }

        int answered() {
            return answered.get();
        }

        void awaitAnswers(int atLeast) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (answered.get() < atLeast) {
                assertThat(failures).as("agent failures").isEmpty();
                assertThat(System.nanoTime())
                        .as("waiting for %d answers", atLeast)
                        .isLessThan(deadline);
                Thread.sleep(20);
            }
        }

        void stop() {
            stop.set(true);
            executor.close();
            assertThat(failures).as("agent failures").isEmpty();
        }

        /** The checker: the committed log, read from offset 0, against everything the agents were told. */
        void verify(String bootstrap) {
            var log = CommittedDecisions.read(bootstrap, topics.decisions(), Duration.ofSeconds(30));
            var report = HistoryChecker.check(history, log).assertValid();
            System.out.println("History checked: " + report.summary());
            assertThat(report.unknown()).as("claims left without an answer").isZero();
            assertThat(report.keys()).as("keys decided").isEqualTo(shas.size());
            assertThat(report.grants()).as("one grant per key").isEqualTo(shas.size());
        }
    }

    // --- set-up helpers ---

    private void createTopics(String bootstrap) throws Exception {
        try (var admin = Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(
                            new NewTopic(topics.requests().name(), PARTITIONS, (short) 1),
                            new NewTopic(topics.decisions().name(), PARTITIONS, (short) 1),
                            new NewTopic(topics.deadLetterTopicName(), PARTITIONS, (short) 1)))
                    .all()
                    .get();
        }
    }

    private LocalKafkaBroker startBroker(Path dataDir, int clientPort, int controllerPort) {
        var broker = LocalKafkaBroker.builder()
                .dataDirectory(dataDir)
                .clientPort(clientPort)
                .controllerPort(controllerPort)
                .start();
        cleanup.add(broker);
        return broker;
    }

    private ClaimProcessorService startProcessor(String bootstrap, String name) throws InterruptedException {
        var config = ProcessorProperties.defaults(
                        processorId, work.resolve(name).toString())
                .toStreamsConfig(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap), topics);
        var processor = new ClaimProcessorService(config, topics);
        cleanup.add(processor);
        processor.start();
        assertThat(processor.awaitRunning(Duration.ofSeconds(60)))
                .as("processor %s running", name)
                .isTrue();
        return processor;
    }

    private Process startProcessorProcess(String bootstrap) throws IOException {
        var java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var process = new ProcessBuilder(
                        java,
                        "-Xmx256m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        ProcessorMain.class.getName(),
                        bootstrap,
                        processorId,
                        work.resolve("processor-process").toString(),
                        topics.requests().name(),
                        topics.decisions().name())
                .redirectErrorStream(true)
                .start();
        cleanup.add(() -> process.destroyForcibly().waitFor());
        var output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = output.readLine()) != null && !line.startsWith("RUNNING")) {
            if (line.startsWith("NOT RUNNING")) {
                throw new AssertionError("processor process did not start: " + line);
            }
        }
        assertThat(line).as("processor process output").isEqualTo("RUNNING");
        // Keep draining its output so that it never blocks on a full pipe.
        Thread.ofVirtual().start(() -> output.lines().forEach(ignored -> {}));
        return process;
    }

    private URI startGateway(String bootstrap) {
        ConfigurableApplicationContext gateway = new SpringApplicationBuilder(GatewayApplication.class)
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
                        "3s"))
                .run();
        cleanup.add(gateway::close);
        return URI.create("http://127.0.0.1:" + gateway.getEnvironment().getProperty("local.server.port"));
    }

    private static ClaimClient client(URI gateway) {
        return ClaimClient.builder(gateway)
                .attemptTimeout(Duration.ofSeconds(10))
                .retry(new RetrySettings(40, Duration.ofMillis(100), Duration.ofSeconds(1), 0.25))
                .logger(message -> {})
                .build();
    }

    /** The error headers of the first {@code count} records on {@code topic}. */
    private static List<String> readAll(String bootstrap, String topic, int count) {
        var config = Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (var consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            var partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new org.apache.kafka.common.TopicPartition(topic, info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            var reasons = new ArrayList<String>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (reasons.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200))
                        .forEach(record -> reasons.add(new String(
                                record.headers()
                                        .lastHeader(PoisonCommandHandler.ERROR_HEADER)
                                        .value(),
                                StandardCharsets.UTF_8)));
            }
            return reasons;
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
