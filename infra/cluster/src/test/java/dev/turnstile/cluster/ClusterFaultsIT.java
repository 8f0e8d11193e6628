package dev.turnstile.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.turnstile.client.ClaimClient;
import dev.turnstile.client.ClaimRequest;
import dev.turnstile.client.RetrySettings;
import dev.turnstile.contracts.topic.ClaimTopics;
import dev.turnstile.history.ClientHistory;
import dev.turnstile.history.CommittedDecisions;
import dev.turnstile.history.HistoryChecker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Faults on the cluster profile as {@code bin/turnstile up --profile cluster} starts it: 3 KRaft brokers (replication 3,
 * min.insync.replicas 2), two processors, a gateway and the dashboard, each its own process under PM2. Each case runs
 * under a steady load of 16 agents claiming 40 keys with the real client (retries with the same request id); every
 * answer is recorded, then the {@link HistoryChecker} reads the decisions topic (read_committed, from offset 0) and
 * proves no key granted twice, no answer contradicted by the log, no acknowledged grant lost; each grant is then asked
 * for again and must still be held. Each case measures the time from the fault to the first successful claim on a key
 * the fault affected, and prints it.
 *
 * <p>{@code -Dturnstile.faults=ci} (the default) runs the broker kill and the processor kill; {@code all} adds the paused
 * broker, the gateway restart and the rolling restart of every broker.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterFaultsIT {

    private static final int KEYS = 40;
    private static final int AGENTS = 16;
    /** Answers before a fault: the load is steady. */
    private static final int STEADY = 100;
    /** Answers to claims on the affected keys sent after a fault: the service has recovered, not just one claim. */
    private static final int AFTER = 40;
    /** A generous bound on the time from a fault to the first successful claim after it (the goal is 5 s). */
    private static final Duration RECOVERY_BOUND = Duration.ofSeconds(60);

    private static final String PROCESSOR_GROUP = "turnstile-claim-processor";
    /** The gateway's port; the dashboard, processors and brokers' health take the next ones (up to +12). */
    private static final int HTTP_PORT = 28180;
    /** The first broker's port; the others take the next two, their controllers +10 to +12. */
    private static final int KAFKA_PORT = 29092;

    private final boolean all = "all".equals(System.getProperty("turnstile.faults", "ci"));
    private final Map<String, String> figures = new LinkedHashMap<>();
    private Path work;
    private TurnstileCommand turnstile;
    private URI gateway;
    private String bootstrap;
    private Admin admin;

    @BeforeAll
    void startTheClusterProfile() {
        work = TurnstileCommand.freshWorkDirectory("cluster-it", Map.of());
        turnstile = new TurnstileCommand(work.resolve("data"));
        long started = System.nanoTime();
        var up = turnstile.run(
                Duration.ofMinutes(10),
                "up",
                "--profile",
                "cluster",
                "--http-port",
                Integer.toString(HTTP_PORT),
                "--kafka-port",
                Integer.toString(KAFKA_PORT));
        System.out.printf("Cluster profile up in %d s:%n%s%n", seconds(started), up.stdout());
        assertThat(up.exit()).as(up.toString()).isZero();
        assertThat(up.stdout()).contains("is running and ready for claims");
        gateway = URI.create("http://127.0.0.1:" + HTTP_PORT);
        bootstrap = IntStream.range(0, 3)
                .mapToObj(i -> "127.0.0.1:" + (KAFKA_PORT + i))
                .collect(Collectors.joining(","));
        admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                10_000));
    }

    @AfterAll
    void stopTheClusterProfile() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
        System.out.println("Fault -> first successful claim on an affected key (goal <= 5 s):");
        figures.forEach((fault, figure) -> System.out.printf("  %-40s %s%n", fault, figure));
        long stopping = System.nanoTime();
        var stop = turnstile.run(Duration.ofMinutes(3), "stop");
        System.out.printf("Cluster profile stopped in %d s%n", seconds(stopping));
        assertThat(stop.exit()).as(stop.toString()).isZero();
        // The services' logs stay in target/cluster-it/data/logs; their data (brokers, processors) goes.
        try (var entries = Files.list(work.resolve("data"))) {
            entries.filter(path -> !path.getFileName().toString().equals("logs"))
                    .forEach(TurnstileCommand::deleteTree);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    @Order(1)
    void a_second_up_on_the_running_profile_exits_EXIT_CONFLICTING_PROCESS_and_touches_nothing() {
        var again = turnstile.run(Duration.ofMinutes(2), "up", "--profile", "cluster");

        assertThat(again.exit()).as(again.toString()).isEqualTo(21);
        assertThat(again.stderr())
                .contains("already running")
                .contains("EXIT_CONFLICTING_PROCESS")
                .contains("remediation: run bin/turnstile status");
        assertThat(turnstile.run(Duration.ofMinutes(1), "status").exit()).isZero();
    }

    @Test
    @Order(2)
    void killing_the_leader_broker_of_a_busy_partition_grants_no_key_twice_and_loses_no_acknowledged_grant()
            throws Exception {
        var load = new Load("broker-kill");
        load.start();
        load.awaitAnswers(STEADY);
        int leader = leaderOf(load.partitionOf(load.keys.getFirst()));
        var affected = load.keysLedBy(leader);
        var broker = "broker-" + leader;
        long pid = turnstile.service(broker).get("pid").asLong();

        long faultAt = System.nanoTime();
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        load.awaitAnswersAfter(faultAt, affected, AFTER);
        load.stop();

        var fault = "kill -9 " + broker + " (leader of " + affected.size() + " keys)";
        report(fault, load, faultAt, affected);
        load.verify();
        reportReadyAgain(fault, faultAt);
        assertThat(turnstile.service(broker).get("restarts").asInt())
                .as("%s restarted by the supervisor", broker)
                .isGreaterThanOrEqualTo(1);
    }

    @Test
    @Order(3)
    void killing_one_of_two_processors_grants_no_key_twice_and_the_supervisor_restarts_it() throws Exception {
        var load = new Load("processor-kill");
        load.start();
        load.awaitAnswers(STEADY);
        var affected = load.keysOwnedBy("processor-2");
        long pid = turnstile.service("processor-2").get("pid").asLong();
        int restartsBefore = turnstile.service("processor-2").get("restarts").asInt();

        long faultAt = System.nanoTime();
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        load.awaitAnswersAfter(faultAt, affected, AFTER);
        load.stop();

        var fault = "kill -9 processor-2 (owner of " + affected.size() + " keys)";
        report(fault, load, faultAt, affected);
        load.verify();
        reportReadyAgain(fault, faultAt);
        var processor = turnstile.service("processor-2");
        assertThat(processor.get("state").asString()).isEqualTo("online");
        assertThat(processor.get("pid").asLong()).isNotEqualTo(pid);
        assertThat(processor.get("restarts").asInt()).isEqualTo(restartsBefore + 1);
    }

    @Test
    @Order(4)
    void pausing_the_leader_broker_for_20_s_grants_no_key_twice_and_loses_no_acknowledged_grant() throws Exception {
        assumeTrue(all, "on demand: -Dturnstile.faults=all");
        var load = new Load("broker-pause");
        load.start();
        load.awaitAnswers(STEADY);
        int leader = leaderOf(load.partitionOf(load.keys.getFirst()));
        var affected = load.keysLedBy(leader);
        var broker = "broker-" + leader;
        long pid = turnstile.service(broker).get("pid").asLong();

        long faultAt = System.nanoTime();
        signal("STOP", pid);
        try {
            load.awaitAnswersAfter(faultAt, affected, AFTER, Duration.ofSeconds(20));
            Thread.sleep(Math.max(
                    0, Duration.ofSeconds(20).toMillis() - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - faultAt)));
        } finally {
            signal("CONT", pid);
        }
        load.awaitAnswers(load.answered() + STEADY);
        load.stop();

        var fault = "SIGSTOP " + broker + " 20 s (leader of " + affected.size() + " keys)";
        report(fault, load, faultAt, affected);
        load.verify();
        reportReadyAgain(fault, faultAt);
    }

    @Test
    @Order(5)
    void restarting_the_gateway_grants_no_key_twice_and_loses_no_acknowledged_grant() throws Exception {
        assumeTrue(all, "on demand: -Dturnstile.faults=all");
        var load = new Load("gateway-restart");
        load.start();
        load.awaitAnswers(STEADY);

        long faultAt = System.nanoTime();
        var restart = turnstile.run(Duration.ofMinutes(3), "restart", "gateway");
        assertThat(restart.exit()).as(restart.toString()).isZero();
        var restarted = (System.nanoTime() - faultAt) / 1e9;
        load.awaitAnswersAfter(faultAt, Set.copyOf(load.keys), AFTER);
        load.stop();

        report("restart gateway", load, faultAt, Set.copyOf(load.keys));
        var note =
                String.format(Locale.ROOT, "; bin/turnstile restart gateway returned, ready, after %.0f s", restarted);
        figures.computeIfPresent("restart gateway", (key, figure) -> figure + note);
        load.verify();
    }

    @Test
    @Order(6)
    void restarting_every_broker_one_at_a_time_grants_no_key_twice_and_loses_no_acknowledged_grant() throws Exception {
        assumeTrue(all, "on demand: -Dturnstile.faults=all");
        var load = new Load("rolling-restart");
        load.start();
        load.awaitAnswers(STEADY);
        for (int node = 1; node <= 3; node++) {
            var led = load.keysLedBy(node);
            // A broker leading none of the keys (leadership moved by an earlier case) still holds replicas of them all.
            var affected = led.isEmpty() ? Set.copyOf(load.keys) : led;
            long faultAt = System.nanoTime();
            var restart = turnstile.run(Duration.ofMinutes(3), "restart", "broker-" + node);
            assertThat(restart.exit()).as(restart.toString()).isZero();
            var restarted = (System.nanoTime() - faultAt) / 1e9;
            load.awaitAnswersAfter(faultAt, affected, AFTER);
            var fault = "restart broker-" + node + " (leader of " + led.size() + " keys)";
            report(fault, load, faultAt, affected);
            var note = String.format(
                    Locale.ROOT, "; bin/turnstile restart broker-%d returned, ready, after %.0f s", node, restarted);
            figures.computeIfPresent(fault, (key, figure) -> figure + note);
            awaitAllReady();
        }
        load.stop();
        load.verify();
    }

    // --- helpers ---

    private void report(String fault, Load load, long faultAt, Set<String> affected) {
        var seconds = load.recoverySeconds(faultAt, affected);
        var gap = load.longestGapSeconds(faultAt);
        figures.put(fault, String.format(Locale.ROOT, "%.1f s; no claim answered for %.1f s at most", seconds, gap));
        System.out.printf(
                Locale.ROOT,
                "%s: first successful claim on an affected key %.1f s after the fault; the longest"
                        + " time without any claim answered since the fault %.1f s (%s)%n",
                fault,
                seconds,
                gap,
                load.summary());
        // The goal is 5 s; this bound only catches a recovery that did not happen, on a busy two-core machine too.
        assertThat(seconds)
                .as("seconds from the fault to the first successful claim on an affected key")
                .isLessThan(RECOVERY_BOUND.toSeconds());
    }

    /** Waits until every service is ready again (the killed one restarted by the supervisor), and reports when. */
    private void reportReadyAgain(String fault, long faultAt) throws InterruptedException {
        awaitAllReady();
        var seconds = (System.nanoTime() - faultAt) / 1e9;
        figures.computeIfPresent(
                fault,
                (key, figure) ->
                        figure + String.format(Locale.ROOT, "; every service ready again after %.0f s", seconds));
        System.out.printf(Locale.ROOT, "%s: every service ready again %.0f s after the fault%n", fault, seconds);
    }

    private int leaderOf(int partition) throws Exception {
        var description = admin.describeTopics(List.of(ClaimTopics.DEFAULT_REQUESTS))
                .allTopicNames()
                .get(30, TimeUnit.SECONDS)
                .get(ClaimTopics.DEFAULT_REQUESTS);
        return description.partitions().get(partition).leader().id();
    }

    private void awaitAllReady() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        TurnstileCommand.Result status;
        while ((status = turnstile.run(Duration.ofMinutes(1), "status")).exit() != 0) {
            assertThat(System.nanoTime())
                    .as("every service ready again:%n%s", status)
                    .isLessThan(deadline);
            Thread.sleep(2000);
        }
    }

    private static void signal(String signal, long pid) throws IOException, InterruptedException {
        // bash's own kill: no procps needed.
        var kill = new ProcessBuilder("bash", "-c", "kill -" + signal + " " + pid)
                .inheritIO()
                .start();
        assertThat(kill.waitFor()).as("kill -%s %d", signal, pid).isZero();
    }

    private static long seconds(long since) {
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - since);
    }

    /** 16 agents claiming 40 keys of their own case over and over, each answer recorded. */
    private final class Load {

        final String name;
        final List<String> keys;
        private final List<String> shas;
        private final ClientHistory history = new ClientHistory();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicInteger answered = new AtomicInteger();
        private final List<Throwable> failures = new CopyOnWriteArrayList<>();
        private final int partitions;
        private ExecutorService executor;
        private long startedAt;

        Load(String name) throws Exception {
            this.name = name;
            this.shas = IntStream.range(0, KEYS)
                    .mapToObj(i -> UUID.randomUUID().toString().replace("-", "").substring(0, 12))
                    .toList();
            this.keys = shas.stream().map(sha -> "cluster:" + name + ":" + sha).toList();
            this.partitions = admin.describeTopics(List.of(ClaimTopics.DEFAULT_REQUESTS))
                    .allTopicNames()
                    .get(30, TimeUnit.SECONDS)
                    .get(ClaimTopics.DEFAULT_REQUESTS)
                    .partitions()
                    .size();
        }

        void start() {
            startedAt = System.nanoTime();
            executor = Executors.newVirtualThreadPerTaskExecutor();
            for (int agent = 0; agent < AGENTS; agent++) {
                var agentId = name + "-agent-" + agent;
                int offset = agent;
                executor.submit(() -> {
                    try (var client = client()) {
                        for (int round = 0; !stop.get(); round++) {
                            var sha = shas.get(Math.floorMod(round * 7 + offset * 3, shas.size()));
                            var requestId = UUID.randomUUID().toString();
                            var attempt = history.invoke("cluster:" + name + ":" + sha, agentId, requestId);
                            try {
                                var result = client.claim(new ClaimRequest("cluster", name, sha, agentId, requestId));
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
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (answered.get() < atLeast) {
                assertThat(failures).as("agent failures").isEmpty();
                assertThat(System.nanoTime())
                        .as("waiting for %d answers (have %d)", atLeast, answered.get())
                        .isLessThan(deadline);
                Thread.sleep(20);
            }
        }

        void awaitAnswersAfter(long faultAt, Set<String> affected, int count) throws InterruptedException {
            awaitAnswersAfter(faultAt, affected, count, Duration.ofMinutes(3));
        }

        /** Waits for {@code count} answers to claims sent after the fault on the affected keys (or the timeout). */
        void awaitAnswersAfter(long faultAt, Set<String> affected, int count, Duration timeout)
                throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                assertThat(failures).as("agent failures").isEmpty();
                long after = history.operations().stream()
                        .filter(op -> op.outcome() == ClientHistory.Outcome.OK
                                && op.invokedNanos() >= faultAt
                                && affected.contains(op.taskKey()))
                        .count();
                if (after >= count) {
                    return;
                }
                Thread.sleep(100);
            }
            if (timeout.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new AssertionError("fewer than " + count + " claims on the affected keys answered within "
                        + timeout + " of the fault");
            }
        }

        /** Seconds from the fault to the first answer to a claim on an affected key sent after it. */
        double recoverySeconds(long faultAt, Set<String> affected) {
            return history.operations().stream()
                    .filter(op -> op.outcome() == ClientHistory.Outcome.OK
                            && op.invokedNanos() >= faultAt
                            && affected.contains(op.taskKey()))
                    .mapToLong(ClientHistory.Operation::completedNanos)
                    .min()
                    .stream()
                    .mapToDouble(at -> (at - faultAt) / 1e9)
                    .findFirst()
                    .orElse(Double.NaN);
        }

        /**
         * The longest time, from the fault on, in which no claim on any key was answered: for a fault that stops
         * every claim for a while (the only gateway restarting), the outage as agents saw it.
         */
        double longestGapSeconds(long faultAt) {
            var answers = history.operations().stream()
                    .filter(op -> op.outcome() == ClientHistory.Outcome.OK && op.completedNanos() >= faultAt)
                    .mapToLong(ClientHistory.Operation::completedNanos)
                    .sorted()
                    .toArray();
            long previous = faultAt;
            long longest = 0;
            for (long at : answers) {
                longest = Math.max(longest, at - previous);
                previous = at;
            }
            return longest / 1e9;
        }

        void stop() {
            stop.set(true);
            executor.close();
            assertThat(failures).as("agent failures").isEmpty();
        }

        int partitionOf(String key) {
            return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
        }

        Set<String> keysLedBy(int broker) throws Exception {
            var led = new HashSet<String>();
            for (var key : keys) {
                if (leaderOf(partitionOf(key)) == broker) {
                    led.add(key);
                }
            }
            return led;
        }

        /** The keys whose partitions the processor's group assigns to that instance now. */
        Set<String> keysOwnedBy(String processor) throws Exception {
            var group = admin.describeConsumerGroups(List.of(PROCESSOR_GROUP))
                    .describedGroups()
                    .get(PROCESSOR_GROUP)
                    .get(30, TimeUnit.SECONDS);
            var owned = new HashSet<Integer>();
            for (var member : group.members()) {
                if (member.groupInstanceId().orElse("").startsWith("cluster-" + processor)) {
                    member.assignment().topicPartitions().stream()
                            .filter(partition -> partition.topic().equals(ClaimTopics.DEFAULT_REQUESTS))
                            .forEach(partition -> owned.add(partition.partition()));
                }
            }
            assertThat(owned).as("partitions of %s", processor).isNotEmpty();
            return keys.stream().filter(key -> owned.contains(partitionOf(key))).collect(Collectors.toSet());
        }

        String summary() {
            return String.format(
                    Locale.ROOT, "%d answers in %.0f s of load", answered.get(), (System.nanoTime() - startedAt) / 1e9);
        }

        /** The checker over this case's keys, then every acknowledged grant asked for again. */
        void verify() {
            var caseKeys = Set.copyOf(keys);
            var log =
                    CommittedDecisions.read(bootstrap, ClaimTopics.DEFAULT.decisions(), Duration.ofSeconds(60)).stream()
                            .filter(event -> caseKeys.contains(event.taskKey()))
                            .toList();
            var report = HistoryChecker.check(history, log).assertValid();
            System.out.println("History checked (" + name + "): " + report.summary());
            assertThat(report.unknown()).as("claims left without an answer").isZero();
            assertThat(report.keys()).as("keys decided").isEqualTo(KEYS);
            assertThat(report.grants()).as("one grant per key").isEqualTo(KEYS);

            var holders = new LinkedHashMap<String, String>();
            history.operations().stream()
                    .filter(op -> op.outcome() == ClientHistory.Outcome.OK && op.proceed())
                    .forEach(op -> holders.putIfAbsent(op.taskKey(), op.agentId()));
            assertThat(holders).as("acknowledged grants").hasSize(KEYS);
            try (var client = client()) {
                holders.forEach((key, holder) -> {
                    var sha = key.substring(key.lastIndexOf(':') + 1);
                    var again = client.claim(new ClaimRequest(
                            "cluster", name, sha, "verifier", UUID.randomUUID().toString()));
                    assertThat(again.proceed()).as("%s is still held", key).isFalse();
                    assertThat(again.claimedBy())
                            .as("%s is held by the agent told to proceed", key)
                            .isEqualTo(holder);
                });
            }
        }

        private ClaimClient client() {
            return ClaimClient.builder(gateway)
                    .attemptTimeout(Duration.ofSeconds(10))
                    .retry(new RetrySettings(400, Duration.ofMillis(100), Duration.ofSeconds(1), 0.25))
                    .logger(message -> {})
                    .build();
        }
    }
}
