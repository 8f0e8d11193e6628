package dev.turnstile.projections.activity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.turnstile.contracts.claim.ClaimCommand;
import dev.turnstile.contracts.claim.ClaimRequested;
import dev.turnstile.contracts.claim.TaskKey;
import dev.turnstile.contracts.topic.ClaimTopics;
import dev.turnstile.kafka.local.SharedTestKafka;
import dev.turnstile.processor.claim.ClaimProcessorService;
import dev.turnstile.processor.config.ProcessorProperties;
import dev.turnstile.projections.feed.TopicFeed;
import dev.turnstile.projections.query.Attempt;
import dev.turnstile.projections.query.AttemptFilter;
import dev.turnstile.projections.query.Breakdown;
import dev.turnstile.projections.query.Result;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The activity projection on a real broker, fed by the production claim processor: claims go to the requests
 * topic, the processor decides them (exactly-once), and the projection reads the decisions topic read_committed.
 * Expected answers are worked out from the commands alone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ActivityProjectionIT {

    private static final Instant NOW = Instant.parse("2026-11-23T12:00:30Z");
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final List<String> PROJECTS = List.of("hire", "web", "api");
    private static final List<String> TASKS = List.of("convex-deploy", "vercel-build-deploy");
    private static final List<String> SHAS = List.of("3f9c2ab", "3f9c2ff", "a11ce00", "b0b0b0b", "c0ffee1");

    private final SettableClock clock = new SettableClock(NOW);
    private final Model expected = new Model();
    private String bootstrap;
    private ClaimTopics topics;
    private Path root;
    private ClaimProcessorService processor;
    private KafkaProducer<String, ClaimCommand> commands;
    private ActivityProjection projection;
    private TopicFeed<DecisionRecord> runner;
    private int sent;

    @BeforeAll
    void startProcessorAndProjection() throws Exception {
        bootstrap = SharedTestKafka.bootstrapServers();
        topics = SharedTestKafka.freshClaimTopics();
        root = Files.createTempDirectory("turnstile-projections-it-");
        var settings = ProcessorProperties.defaults(
                SharedTestKafka.uniqueName("projections-it"),
                root.resolve("processor").toString());
        processor = new ClaimProcessorService(
                settings.toStreamsConfig(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap), topics),
                topics);
        processor.start();
        assertThat(processor.awaitRunning(WAIT)).as("processor running").isTrue();
        commands = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.LINGER_MS_CONFIG, 0),
                topics.requests().keySerde().serializer(),
                topics.requests().valueSerde().serializer());
        projection = ActivityProjection.open(
                root.resolve("projection"), topics.decisions().name(), clock, false);
        runner = startRunner(projection);
    }

    @AfterAll
    void stopAll() throws IOException {
        if (runner != null) {
            runner.close();
        }
        if (projection != null) {
            projection.close();
        }
        if (commands != null) {
            commands.close();
        }
        if (processor != null) {
            processor.close();
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    @Test
    @Order(1)
    void answers_match_the_decisions_the_processor_made() throws Exception {
        sendClaims(120);
        sendRecordsThatAreNotDecisions();

        awaitTotal(projection, expected.attempts.size());
        assertThat(runner.awaitReady(WAIT)).isTrue();
        assertThat(projection.queries().ready()).isTrue();

        var stats = projection.queries().stats();
        assertThat(stats.totalAttempts()).isEqualTo(expected.attempts.size());
        assertThat(stats.duplicatesBlocked()).isEqualTo(expected.blocked());
        assertThat(stats.attemptsLast24h()).isEqualTo(expected.lastDay(NOW, false));
        assertThat(stats.duplicatesBlockedLast24h()).isEqualTo(expected.lastDay(NOW, true));
        assertThat(stats.byProject()).containsExactlyElementsOf(expected.breakdown(Expected::project));
        assertThat(stats.byTask()).containsExactlyElementsOf(expected.breakdown(Expected::task));
        assertThat(projection.repeatedCount())
                .as("redeliveries of retried requests")
                .isEqualTo(expected.retries);
        assertThat(projection.skippedCount())
                .as("records that are not decisions")
                .isEqualTo(2);

        assertThat(allPages(new AttemptFilter("web", null, Result.BLOCKED, null)))
                .containsExactlyElementsOf(expected.ids(e -> e.project().equals("web") && !e.granted()));
        assertThat(allPages(new AttemptFilter(null, "convex-deploy", null, "3f9c2")))
                .containsExactlyElementsOf(expected.ids(
                        e -> e.task().equals("convex-deploy") && e.sha().startsWith("3f9c2")));
        assertThat(projection.queries().attemptsForSha("a11ce00"))
                .extracting(Attempt::decisionId)
                .containsExactlyElementsOf(expected.ids(e -> e.sha().equals("a11ce00")));

        clock.advance(Duration.ofHours(6));
        assertThat(projection.queries().stats().attemptsLast24h())
                .isEqualTo(expected.lastDay(NOW.plus(Duration.ofHours(6)), false));
        clock.set(NOW);
    }

    @Test
    @Order(2)
    void a_restarted_projection_resumes_where_it_stopped_and_counts_nothing_twice() throws Exception {
        int before = expected.attempts.size();
        runner.close();
        projection.close();
        sendClaims(30);

        projection = ActivityProjection.open(
                root.resolve("projection"), topics.decisions().name(), clock, false);
        runner = startRunner(projection);

        awaitTotal(projection, expected.attempts.size());
        assertThat(projection.appliedCount())
                .as("applied after the restart")
                .isEqualTo(expected.attempts.size() - before);
        assertThat(projection.repeatedCount())
                .as("re-read after the restart")
                .isEqualTo(expected.retries - retriesBefore);
        assertThat(projection.skippedCount()).isZero();
        assertThat(projection.queries().stats().duplicatesBlocked()).isEqualTo(expected.blocked());
    }

    private long retriesBefore;

    @Test
    @Order(3)
    void a_rebuild_from_offset_0_into_a_fresh_directory_gives_identical_answers() throws Exception {
        awaitTotal(projection, expected.attempts.size());

        try (var rebuilt = ActivityProjection.open(
                        root.resolve("rebuilt"), topics.decisions().name(), clock, false);
                var rebuilder = startRunner(rebuilt)) {
            assertThat(rebuilder.awaitReady(WAIT)).isTrue();

            assertThat(rebuilt.queries().stats()).isEqualTo(projection.queries().stats());
            assertThat(allPages(rebuilt, AttemptFilter.none()))
                    .containsExactlyElementsOf(allPages(AttemptFilter.none()))
                    .hasSize(expected.attempts.size());
            for (var sha : SHAS) {
                assertThat(rebuilt.queries().attemptsForSha(sha))
                        .isEqualTo(projection.queries().attemptsForSha(sha));
            }
            var from = NOW.minus(Duration.ofHours(72));
            assertThat(rebuilt.queries().timeline(from, NOW, Duration.ofHours(1)))
                    .isEqualTo(projection.queries().timeline(from, NOW, Duration.ofHours(1)));
        }
    }

    // ---------------------------------------------------------------- helpers

    private TopicFeed<DecisionRecord> startRunner(ActivityProjection target) {
        var started = new TopicFeed<>(
                Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                topics.decisions().name(),
                target.feedTarget(),
                DecisionRecord::of,
                Duration.ofMillis(200));
        started.start();
        return started;
    }

    /**
     * Sends {@code count} claims over the keys, one every 17 minutes back from NOW (so some fall out of the last
     * 24 h); every fifth is sent again with the same request id, as an agent retrying after a timeout does.
     */
    private void sendClaims(int count) throws Exception {
        retriesBefore = expected.retries;
        for (int i = 0; i < count; i++, sent++) {
            var key = new TaskKey(
                    PROJECTS.get(sent % PROJECTS.size()), TASKS.get(sent % TASKS.size()), SHAS.get(sent % SHAS.size()));
            var at = NOW.minus(Duration.ofMinutes(17L * (sent % 200)));
            var claim = ClaimRequested.of(
                    key,
                    "agent-" + sent,
                    "req-" + sent + "-" + topics.requests().name(),
                    at);
            send(claim);
            expected.claimed(claim);
            if (sent % 5 == 0) {
                send(claim);
                expected.retries++;
            }
        }
        commands.flush();
    }

    private void send(ClaimRequested claim) throws Exception {
        commands.send(new ProducerRecord<>(
                        topics.requests().name(), null, claim.requestedAt().toEpochMilli(), claim.taskKey(), claim))
                .get();
    }

    /** Another event kind (added to the topic by later features) and bytes that are not JSON at all. */
    private void sendRecordsThatAreNotDecisions() throws Exception {
        try (var raw = new KafkaProducer<>(
                Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new StringSerializer(),
                new ByteArraySerializer())) {
            raw.send(new ProducerRecord<>(
                            topics.decisions().name(),
                            "hire:convex-deploy:3f9c2ab",
                            "{\"type\":\"LeaseExpired\",\"taskKey\":\"hire:convex-deploy:3f9c2ab\"}"
                                    .getBytes(StandardCharsets.UTF_8)))
                    .get();
            raw.send(new ProducerRecord<>(topics.decisions().name(), "x", new byte[] {1, 2, 3}))
                    .get();
        }
    }

    private static void awaitTotal(ActivityProjection target, long total) {
        await().atMost(WAIT)
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(() ->
                        assertThat(target.queries().stats().totalAttempts()).isEqualTo(total));
    }

    private List<String> allPages(AttemptFilter filter) {
        return allPages(projection, filter);
    }

    private static List<String> allPages(ActivityProjection target, AttemptFilter filter) {
        var ids = new ArrayList<String>();
        String cursor = null;
        do {
            var page = target.queries().recentAttempts(filter, cursor, 7);
            page.items().forEach(attempt -> ids.add(attempt.decisionId()));
            cursor = page.nextCursor();
        } while (cursor != null);
        return ids;
    }

    // ---------------------------------------------------------------- expected answers

    private record Expected(String decisionId, String project, String task, String sha, Instant at, boolean granted) {}

    /** What the processor must have decided: the first request id per key is granted, later ones denied. */
    private static final class Model {

        final Map<String, Expected> attempts = new LinkedHashMap<>();
        final Map<String, Integer> decisionsPerKey = new HashMap<>();
        final Set<String> requestIds = new HashSet<>();
        long retries;

        void claimed(ClaimRequested claim) {
            if (!requestIds.add(claim.requestId())) {
                return;
            }
            int sequence = decisionsPerKey.merge(claim.taskKey(), 1, Integer::sum);
            var id = claim.taskKey() + "#" + sequence;
            attempts.put(
                    id,
                    new Expected(
                            id, claim.project(), claim.task(), claim.gitSha(), claim.requestedAt(), sequence == 1));
        }

        long blocked() {
            return attempts.values().stream().filter(e -> !e.granted()).count();
        }

        long lastDay(Instant now, boolean blockedOnly) {
            long nowMinute = Math.floorDiv(now.toEpochMilli(), 60_000);
            return attempts.values().stream()
                    .filter(e -> !blockedOnly || !e.granted())
                    .filter(e -> {
                        long minute = Math.floorDiv(e.at().toEpochMilli(), 60_000);
                        return minute > nowMinute - 1440 && minute <= nowMinute;
                    })
                    .count();
        }

        List<Breakdown> breakdown(java.util.function.Function<Expected, String> label) {
            var counts = new TreeMap<String, long[]>();
            for (var e : attempts.values()) {
                var c = counts.computeIfAbsent(label.apply(e), k -> new long[2]);
                c[0]++;
                c[1] += e.granted() ? 0 : 1;
            }
            return counts.entrySet().stream()
                    .map(entry -> new Breakdown(entry.getKey(), entry.getValue()[0], entry.getValue()[1]))
                    .sorted(Comparator.comparingLong(Breakdown::total)
                            .reversed()
                            .thenComparing(Breakdown::label))
                    .toList();
        }

        /** Ids of matching attempts, newest first (ties by decision id, as the projection orders them). */
        List<String> ids(java.util.function.Predicate<Expected> filter) {
            return attempts.values().stream()
                    .filter(filter)
                    .sorted(Comparator.comparing(Expected::at).reversed().thenComparing(Expected::decisionId))
                    .map(Expected::decisionId)
                    .toList();
        }
    }
}
