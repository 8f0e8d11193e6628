package dev.turnstile.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A coordinator on 127.0.0.1 that answers from a script, one answer per request, and records what it received.
 * Unscripted requests get a 500, so a test that expects no call sees it fail loudly.
 */
public final class FakeCoordinator implements AutoCloseable {

    /** When the fake coordinator granted every claim in these tests. */
    public static final String CLAIMED_AT = "2026-11-23T10:30:00Z";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final BlockingQueue<Answer> script = new LinkedBlockingQueue<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final CountDownLatch closing = new CountDownLatch(1);

    /** One request as the coordinator saw it. */
    public record Received(String method, String path, String body, long receivedAtNanos) {

        /** The body as JSON. */
        public JsonNode json() {
            return JSON.readTree(body);
        }
    }

    private record Answer(int status, Map<String, String> headers, Function<Received, String> body, boolean hang) {}

    private FakeCoordinator() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** A running fake coordinator; close it at the end of the test. */
    public static FakeCoordinator start() {
        try {
            return new FakeCoordinator();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the fake coordinator on 127.0.0.1", e);
        }
    }

    /** A URL where nothing listens: connecting to it is refused at once. */
    public static URI unreachableUrl() {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not find a free port", e);
        }
    }

    /** The base URL, e.g. {@code http://127.0.0.1:54321}. */
    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Answers the next request with {@code status} and {@code body}. */
    public FakeCoordinator answer(int status, String body) {
        return answer(status, Map.of(), body);
    }

    /** Answers the next request with {@code status}, {@code headers} and {@code body}. */
    public FakeCoordinator answer(int status, Map<String, String> headers, String body) {
        script.add(new Answer(status, headers, request -> body, false));
        return this;
    }

    /** Grants the next claim to the agent that sent it, echoing its task key and request id. */
    public FakeCoordinator grant() {
        script.add(new Answer(200, Map.of(), request -> decision(request.json(), true, agentOf(request)), false));
        return this;
    }

    /** Answers the next claim: already claimed by {@code winner}. */
    public FakeCoordinator deny(String winner) {
        script.add(new Answer(200, Map.of(), request -> decision(request.json(), false, winner), false));
        return this;
    }

    /** Grants the next claim as a lease with {@code fencingToken}, expiring {@code ttlSeconds} after CLAIMED_AT. */
    public FakeCoordinator grantLease(long fencingToken, int ttlSeconds) {
        script.add(new Answer(
                200,
                Map.of(),
                request -> {
                    var node = (tools.jackson.databind.node.ObjectNode)
                            JSON.readTree(decision(request.json(), true, agentOf(request)));
                    node.put("mode", "lease")
                            .put("fencingToken", fencingToken)
                            .put("ttlSeconds", ttlSeconds)
                            .put(
                                    "expiresAt",
                                    java.time.Instant.parse(CLAIMED_AT)
                                            .plusSeconds(ttlSeconds)
                                            .toString());
                    return JSON.writeValueAsString(node);
                },
                false));
        return this;
    }

    /** Accepts the next holder request (renew, release, complete) as {@code result}. */
    public FakeCoordinator accept(String result) {
        script.add(new Answer(
                200,
                Map.of(),
                request -> JSON.writeValueAsString(JSON.createObjectNode()
                        .put("accepted", true)
                        .put("result", result)
                        .put("message", result)
                        .put("fencingToken", request.json().path("fencingToken").asLong())
                        .put("expiresAt", "2099-01-01T00:00:00Z")),
                false));
        return this;
    }

    /** Refuses the next holder request with 409 and {@code reason}. */
    public FakeCoordinator refuse(String reason) {
        script.add(new Answer(
                409,
                Map.of(),
                request -> JSON.writeValueAsString(JSON.createObjectNode()
                        .put("accepted", false)
                        .put("result", "refused")
                        .put("reason", reason)
                        .put("message", "Refused: " + reason)
                        .put("fencingToken", request.json().path("fencingToken").asLong())
                        .put("currentFencingToken", 9)
                        .put("heldBy", "agent-9")),
                false));
        return this;
    }

    /** Accepts the next request and never answers it (until the coordinator is closed). */
    public FakeCoordinator hang() {
        script.add(new Answer(0, Map.of(), request -> "", true));
        return this;
    }

    /** Every request received so far, in order. */
    public List<Received> received() {
        return List.copyOf(received);
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            var request = new Received(
                    exchange.getRequestMethod(), exchange.getRequestURI().getPath(), body, System.nanoTime());
            received.add(request);
            Answer answer = script.poll();
            if (answer == null) {
                answer =
                        new Answer(500, Map.of(), r -> "{\"error\":\"test\",\"detail\":\"no answer scripted\"}", false);
            }
            if (answer.hang()) {
                awaitClose();
                return;
            }
            byte[] bytes = answer.body().apply(request).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            answer.headers()
                    .forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
            exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
            exchange.getResponseBody().write(bytes);
        }
    }

    private void awaitClose() {
        try {
            closing.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String agentOf(Received request) {
        return request.json().path("agentId").asString();
    }

    private static String decision(JsonNode claim, boolean proceed, String claimedBy) {
        String taskKey = claim.path("project").asString() + ":"
                + claim.path("task").asString() + ":" + claim.path("gitSha").asString();
        var node = JSON.createObjectNode()
                .put("proceed", proceed)
                .put("taskKey", taskKey)
                .put("requestId", claim.path("requestId").asString())
                .put("claimedBy", claimedBy)
                .put("claimedAt", CLAIMED_AT)
                .put("message", (proceed ? "Claimed by " : "Already claimed by ") + claimedBy + " at " + CLAIMED_AT);
        return JSON.writeValueAsString(node);
    }
}
