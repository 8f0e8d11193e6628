package dev.turnstile.client.jobs;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A work-queue coordinator on 127.0.0.1 that keeps its queues in memory and answers the worker and enqueue endpoints
 * as the gateway does (200/201/204, 409 with a reason, request ids answered once), with faults a test can inject: 503s,
 * answers lost after the request was decided, refused heartbeats, cancels. It decides nothing by time: a test says
 * when a lease is gone.
 */
public final class FakeJobCoordinator implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** One request as the coordinator saw it. */
    public record Received(String method, String path, JsonNode body, String authorization) {}

    /** One job as the fake holds it. */
    public static final class FakeJob {
        public final String queue;
        public final String jobId;
        public final String name;
        public final JsonNode payload;
        public final int maxAttempts;
        public final int leaseSeconds;
        public volatile String state = "waiting";
        public volatile int attempt;
        public volatile long token;
        public volatile String workerId;
        public volatile Integer progress;
        public volatile String message;
        public volatile JsonNode result;
        public volatile String error;
        public volatile Boolean retryable;
        public final List<String> logs = new CopyOnWriteArrayList<>();
        public final List<Long> heartbeatTokens = new CopyOnWriteArrayList<>();

        FakeJob(String queue, String jobId, String name, JsonNode payload, int maxAttempts, int leaseSeconds) {
            this.queue = queue;
            this.jobId = jobId;
            this.name = name;
            this.payload = payload;
            this.maxAttempts = maxAttempts;
            this.leaseSeconds = leaseSeconds;
        }

        public String id() {
            return queue + ":" + jobId;
        }
    }

    private record Reply(int status, String body) {}

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<String, FakeJob> jobs = new LinkedHashMap<>();
    private final Map<String, ArrayDeque<FakeJob>> waiting = new HashMap<>();
    private final Map<String, Reply> answered = new HashMap<>();
    private final Map<String, String> refuseNext = new HashMap<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger unavailable = new AtomicInteger();
    private final AtomicInteger lostAnswers = new AtomicInteger();
    private volatile boolean heartbeatsUnavailable;
    private int defaultLeaseSeconds = 30;

    private FakeJobCoordinator() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public static FakeJobCoordinator start() {
        try {
            return new FakeJobCoordinator();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the fake coordinator on 127.0.0.1", e);
        }
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Jobs enqueued without a lease get this one. */
    public synchronized FakeJobCoordinator defaultLeaseSeconds(int seconds) {
        defaultLeaseSeconds = seconds;
        return this;
    }

    /** Adds a waiting job, as an enqueue would. */
    public synchronized FakeJob add(String queue, String jobId, String payloadJson) {
        var job = new FakeJob(
                queue,
                jobId,
                "test-job",
                payloadJson == null ? null : JSON.readTree(payloadJson),
                3,
                defaultLeaseSeconds);
        jobs.put(job.id(), job);
        waiting.computeIfAbsent(queue, q -> new ArrayDeque<>()).add(job);
        notifyAll();
        return job;
    }

    public synchronized FakeJob job(String id) {
        return jobs.get(id);
    }

    /** The next {@code count} requests get 503 with Retry-After 0 and are not decided. */
    public FakeJobCoordinator unavailableFor(int count) {
        unavailable.set(count);
        return this;
    }

    /** The next {@code count} requests are decided, but their answers are lost (503): a retry gets the answer. */
    public FakeJobCoordinator loseAnswers(int count) {
        lostAnswers.set(count);
        return this;
    }

    /** Every heartbeat gets 503 (the coordinator unreachable for heartbeats) until turned off. */
    public FakeJobCoordinator heartbeatsUnavailable(boolean on) {
        heartbeatsUnavailable = on;
        return this;
    }

    /** The next report on {@code id} is refused with {@code reason}, as when another attempt started. */
    public synchronized FakeJobCoordinator refuseNextReport(String id, String reason) {
        refuseNext.put(id, reason);
        return this;
    }

    /** An operator cancels the job: an active one's next heartbeat is refused with {@code cancelled}. */
    public synchronized void cancel(String id) {
        var job = jobs.get(id);
        waiting.getOrDefault(job.queue, new ArrayDeque<>()).remove(job);
        job.state = "cancelled";
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    public List<Received> received(String suffix) {
        return received.stream().filter(r -> r.path().endsWith(suffix)).toList();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            var text = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            var body = text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text);
            var path = exchange.getRequestURI().getPath();
            received.add(new Received(
                    exchange.getRequestMethod(),
                    path,
                    body,
                    exchange.getRequestHeaders().getFirst("Authorization")));
            Reply reply;
            if (unavailable.getAndUpdate(n -> Math.max(0, n - 1)) > 0
                    || heartbeatsUnavailable && path.endsWith("/heartbeat")) {
                reply = new Reply(503, "{\"error\":\"unavailable\",\"detail\":\"test\"}");
                exchange.getResponseHeaders().set("Retry-After", "0");
            } else {
                reply = decide(path, body);
                if (lostAnswers.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    reply = new Reply(503, "{\"error\":\"decision_timeout\",\"detail\":\"answer lost\"}");
                    exchange.getResponseHeaders().set("Retry-After", "0");
                }
            }
            var bytes = reply.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(reply.status(), reply.status() == 204 ? -1 : bytes.length);
            if (reply.status() != 204) {
                exchange.getResponseBody().write(bytes);
            }
        }
    }

    private Reply decide(String path, JsonNode body) {
        var requestId = body.path("requestId").asString(null);
        synchronized (this) {
            if (requestId != null && answered.containsKey(requestId)) {
                return answered.get(requestId);
            }
        }
        Reply reply;
        if (path.matches("/api/queues/[^/]+/jobs")) {
            reply = enqueue(path.split("/")[3], body);
        } else if (path.matches("/api/queues/[^/]+/claim-next")) {
            reply = claimNext(path.split("/")[3], body);
        } else if (path.matches("/api/jobs/[^/]+/(heartbeat|complete|fail|logs|artifacts)")) {
            var parts = path.split("/");
            reply = report(parts[3], parts[4], body);
        } else {
            reply = new Reply(404, "{\"error\":\"not_found\"}");
        }
        synchronized (this) {
            if (requestId != null) {
                answered.put(requestId, reply);
            }
        }
        return reply;
    }

    private synchronized Reply enqueue(String queue, JsonNode body) {
        var jobId = body.path("jobId").asString(body.path("requestId").asString());
        var existing = jobs.get(queue + ":" + jobId);
        if (existing != null) {
            return new Reply(
                    200,
                    JSON.createObjectNode()
                            .put("created", false)
                            .put("id", existing.id())
                            .put("queue", queue)
                            .put("jobId", jobId)
                            .put("state", existing.state)
                            .put("matchedBy", "job_id")
                            .put("message", existing.id() + " is already in the queue")
                            .toString());
        }
        var job = new FakeJob(
                queue,
                jobId,
                body.path("name").asString(),
                body.get("payload"),
                body.path("maxAttempts").asInt(3),
                body.path("leaseSeconds").asInt(defaultLeaseSeconds));
        jobs.put(job.id(), job);
        waiting.computeIfAbsent(queue, q -> new ArrayDeque<>()).add(job);
        notifyAll();
        return new Reply(
                201,
                JSON.createObjectNode()
                        .put("created", true)
                        .put("id", job.id())
                        .put("queue", queue)
                        .put("jobId", jobId)
                        .put("state", "waiting")
                        .put("message", "Enqueued " + job.id())
                        .put("requestId", body.path("requestId").asString())
                        .toString());
    }

    private synchronized Reply claimNext(String queue, JsonNode body) {
        long deadline = System.nanoTime()
                + TimeUnit.SECONDS.toNanos(body.path("waitSeconds").asInt(0));
        var queued = waiting.computeIfAbsent(queue, q -> new ArrayDeque<>());
        while (queued.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return new Reply(204, "");
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Reply(503, "{\"error\":\"unavailable\"}");
            }
        }
        var job = queued.pollFirst();
        job.state = "active";
        job.attempt++;
        job.token++;
        job.workerId = body.path("workerId").asString();
        var reply = JSON.createObjectNode()
                .put("id", job.id())
                .put("queue", queue)
                .put("jobId", job.jobId)
                .put("name", job.name)
                .put("attempt", job.attempt)
                .put("maxAttempts", job.maxAttempts)
                .put("fencingToken", job.token)
                .put("leaseSeconds", job.leaseSeconds)
                .put(
                        "leaseExpiresAt",
                        Instant.now().plusSeconds(job.leaseSeconds).toString())
                .put("workerId", job.workerId)
                .put("requestId", body.path("requestId").asString());
        reply.set("payload", job.payload);
        return new Reply(200, reply.toString());
    }

    private synchronized Reply report(String id, String action, JsonNode body) {
        var job = jobs.get(id);
        if (job == null) {
            return refused(id, "unknown_job", 404, 0);
        }
        long token = body.path("fencingToken").asLong();
        var forced = refuseNext.remove(id);
        if (forced != null) {
            return refused(id, forced, 409, token);
        }
        if (job.state.equals("cancelled")) {
            return refused(id, "cancelled", 409, token);
        }
        if (token != job.token) {
            return refused(id, "stale_token", 409, token);
        }
        if (!job.state.equals("active")) {
            return refused(id, job.state.equals("succeeded") ? "already_completed" : "already_failed", 409, token);
        }
        var answer = JSON.createObjectNode().put("accepted", true).put("id", id).put("fencingToken", token);
        switch (action) {
            case "heartbeat" -> {
                job.heartbeatTokens.add(token);
                if (body.has("progress")) {
                    job.progress = body.path("progress").asInt();
                }
                if (body.has("message")) {
                    job.message = body.path("message").asString();
                }
                answer.put("result", "heartbeat")
                        .put("state", "active")
                        .put(
                                "leaseExpiresAt",
                                Instant.now().plusSeconds(job.leaseSeconds).toString());
            }
            case "complete" -> {
                job.state = "succeeded";
                job.result = body.get("result");
                answer.put("result", "succeeded").put("state", "succeeded");
            }
            case "fail" -> {
                job.error = body.path("error").asString();
                job.retryable = body.path("retryable").asBoolean(true);
                boolean again = job.retryable && job.attempt < job.maxAttempts;
                job.state = again ? "failed_will_retry" : "dead";
                answer.put("result", "failed").put("state", job.state);
            }
            case "logs" -> {
                body.path("lines").values().forEach(line -> job.logs.add(line.asString()));
                answer.put("result", "logged").put("state", "active");
            }
            case "artifacts" -> answer.put("result", "attached").put("state", "active");
            default -> throw new IllegalStateException(action);
        }
        return new Reply(200, answer.put("message", action + " of " + id).toString());
    }

    private Reply refused(String id, String reason, int status, long token) {
        ObjectNode body = JSON.createObjectNode()
                .put("accepted", false)
                .put("result", "refused")
                .put("reason", reason)
                .put("message", "Refused: " + reason)
                .put("id", id)
                .put("fencingToken", token);
        Optional.ofNullable(jobs.get(id)).ifPresent(job -> body.put("currentFencingToken", job.token));
        return new Reply(status, body.toString());
    }
}
