package dev.turnstile.client;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import dev.turnstile.contracts.claim.ClaimMode;
import dev.turnstile.contracts.claim.ClaimOutcome;
import dev.turnstile.contracts.claim.ClaimPolicy;
import dev.turnstile.contracts.http.ClaimBody;
import dev.turnstile.contracts.http.ClaimReply;
import dev.turnstile.contracts.http.HealthReply;
import dev.turnstile.contracts.http.HolderBody;
import dev.turnstile.contracts.http.HolderReply;
import dev.turnstile.contracts.http.OutcomeReply;
import dev.turnstile.contracts.http.Problem;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Asks a Turnstile coordinator whether this agent may run a task ({@code POST /api/claim}), retrying while the
 * coordinator is unreachable or busy. Every attempt of one claim carries the same request id, so the coordinator
 * answers a retry with the decision it already made instead of deciding twice.
 *
 * <pre>{@code
 * try (var client = ClaimClient.builder(URI.create(System.getenv("TURNSTILE_URL"))).build()) {
 *     ClaimResult result = client.claim(ClaimRequest.of("hire", "convex-deploy", gitSha));
 *     if (result.proceed()) {
 *         deploy();
 *     }
 * }
 * }</pre>
 *
 * <p>Thread-safe: one client can send many claims at once.
 */
public final class ClaimClient implements AutoCloseable {

    /** How long one attempt may take, connecting included, unless {@link Builder#attemptTimeout} says otherwise. */
    public static final Duration DEFAULT_ATTEMPT_TIMEOUT = Duration.ofSeconds(10);

    private static final JsonMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private static final int EXCERPT_LENGTH = 200;

    /** Answers are JSON; errors are RFC 9457 problems. */
    private static final String ACCEPT = "application/json, application/problem+json";

    /** The longest long-poll the coordinator allows per request. */
    private static final long MAX_OUTCOME_WAIT_SECONDS = 60;

    private static final String CHECK_RUNNING =
            "Check TURNSTILE_URL (or the URL you passed) and that the coordinator is running and reachable from"
                    + " this agent.";

    private final URI coordinatorUrl;
    private final URI claimUrl;
    private final URI renewUrl;
    private final URI releaseUrl;
    private final URI completeUrl;
    private final URI outcomeUrl;
    private final URI healthUrl;
    private final Duration attemptTimeout;
    private final RetrySettings retry;
    private final Consumer<String> logger;
    private final Clock clock;
    private final HttpClient http;
    private final String token;

    private ClaimClient(Builder builder) {
        this.coordinatorUrl = builder.coordinatorUrl;
        this.claimUrl = endpoint(coordinatorUrl, "/api/claim");
        this.renewUrl = endpoint(coordinatorUrl, "/api/lease/renew");
        this.releaseUrl = endpoint(coordinatorUrl, "/api/lease/release");
        this.completeUrl = endpoint(coordinatorUrl, "/api/claim/complete");
        this.outcomeUrl = endpoint(coordinatorUrl, "/api/claim/outcome");
        this.healthUrl = endpoint(coordinatorUrl, "/api/health");
        this.attemptTimeout = builder.attemptTimeout;
        this.retry = builder.retry;
        this.logger = builder.logger;
        this.clock = builder.clock;
        this.token = builder.token;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(attemptTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /**
     * Starts building a client for the coordinator at {@code coordinatorUrl}, e.g.
     * {@code http://turnstile.internal:8080}; the API paths are appended to it.
     *
     * @throws IllegalArgumentException when the URL is not an absolute http(s) URL without query or fragment
     */
    public static Builder builder(URI coordinatorUrl) {
        return new Builder(coordinatorUrl);
    }

    /** The coordinator's base URL. */
    public URI coordinatorUrl() {
        return coordinatorUrl;
    }

    /**
     * Claims a task: returns whether this agent should run it ({@code proceed}) or skip it because another agent
     * claimed it first. Generates a request id when the request has none and sends it on every attempt.
     *
     * @throws ClaimRejectedException when the coordinator rejects the claim as invalid (400); not retried
     * @throws CoordinatorUnavailableException when no attempt got a decision, or the coordinator's answer cannot
     *     be used; the message says what failed and what to check
     */
    public ClaimResult claim(ClaimRequest request) {
        return claim(request, ClaimPolicy.ONCE);
    }

    /**
     * Claims a task under {@code policy}: a {@code once} claim (never expires), or a lease with a TTL that the
     * holder must renew ({@link #renew}) or lose. A grant carries the fencing token to present when renewing,
     * releasing or completing, and to hand to a deploy target so that it can reject a stale holder.
     *
     * @throws ClaimRejectedException when the coordinator rejects the claim as invalid (400); not retried
     * @throws CoordinatorUnavailableException as {@link #claim(ClaimRequest)}
     */
    public ClaimResult claim(ClaimRequest request, ClaimPolicy policy) {
        ClaimRequest sent = withRequestId(request);
        var body = new ClaimBody(
                sent.project(),
                sent.task(),
                sent.gitSha(),
                sent.agentId(),
                sent.requestId(),
                policy.mode().wireName(),
                policy.ttlSeconds(),
                policy.takeoverAfterFailure() ? Boolean.TRUE : null);
        var call = new Call("claim", "decision", sent.taskKey(), sent.requestId(), claimUrl);
        return call(call, post(claimUrl, body), (response, attempt) -> decision(response, sent, attempt));
    }

    /**
     * Claims a lease of {@code ttl} (whole seconds, 1 s to 1 h): the lease when granted, empty when another agent
     * holds the task. Losing the race is not an error. Start {@link Lease#keepAlive()} to renew it in the background.
     *
     * @throws ClaimRejectedException when the request is invalid; not retried
     * @throws CoordinatorUnavailableException as {@link #claim(ClaimRequest)}
     */
    public Optional<Lease> acquireLease(ClaimRequest request, Duration ttl) {
        var result = claim(request, ClaimPolicy.lease(Math.toIntExact(Math.max(1, ttl.toSeconds()))));
        return result.proceed() ? Optional.of(new Lease(this, request, result, ttl)) : Optional.empty();
    }

    /**
     * The lease handle for a grant this agent already has (e.g. from {@link #claim(ClaimRequest, ClaimPolicy)}).
     *
     * @throws IllegalArgumentException when the result is not a grant
     */
    public Lease lease(ClaimRequest request, ClaimResult granted) {
        if (!granted.proceed()) {
            throw new IllegalArgumentException(
                    "Only a grant makes a lease; " + granted.taskKey() + " was denied: " + granted.message());
        }
        var ttl = granted.ttlSeconds() == null ? Duration.ZERO : Duration.ofSeconds(granted.ttlSeconds());
        return new Lease(this, request, granted, ttl);
    }

    /**
     * Renews (heartbeats) the lease {@code fencingToken} on the request's task: it then runs {@code ttl} from now
     * ({@code null}: the lease's own TTL). A refusal (another agent took over, the lease expired…) is a result with
     * {@code accepted == false} and a reason, not an exception.
     *
     * @throws CoordinatorUnavailableException as {@link #claim(ClaimRequest)}
     */
    public HolderResult renew(ClaimRequest request, long fencingToken, Duration ttl) {
        return holderCall(
                "renew",
                renewUrl,
                request,
                holderBody(request, fencingToken, ttl == null ? null : Math.max(1, ttl.toSeconds()), null));
    }

    /** Releases the claim {@code fencingToken}: the next claimer wins. A refusal is a result, as for renewals. */
    public HolderResult release(ClaimRequest request, long fencingToken) {
        return holderCall("release", releaseUrl, request, holderBody(request, fencingToken, null, null));
    }

    /**
     * Reports how the task of claim {@code fencingToken} ended; agents waiting for the winner learn it. A refusal
     * (e.g. the lease expired before) is a result, as for renewals.
     */
    public HolderResult complete(ClaimRequest request, long fencingToken, ClaimOutcome outcome) {
        return holderCall(
                "complete", completeUrl, request, holderBody(request, fencingToken, null, outcome.wireName()));
    }

    /**
     * Waits until the claim of the task's winner ends (succeeded, failed, expired, released) or {@code timeout}
     * passes, long-polling the coordinator (at most a minute per request). Returns the last standing: {@code
     * active} or {@code unknown} when the wait ran out.
     *
     * @throws CoordinatorUnavailableException when the coordinator cannot be asked
     */
    public OutcomeResult awaitOutcome(String taskKey, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long remaining = Math.max(0, TimeUnit.NANOSECONDS.toSeconds(deadline - System.nanoTime()));
            long wait = Math.min(remaining, MAX_OUTCOME_WAIT_SECONDS);
            URI url = URI.create(outcomeUrl + "?taskKey=" + URLEncoder.encode(taskKey, StandardCharsets.UTF_8)
                    + "&waitSeconds=" + wait);
            var request = authorized(HttpRequest.newBuilder(url))
                    .timeout(attemptTimeout.plusSeconds(wait))
                    .header("Accept", ACCEPT)
                    .GET()
                    .build();
            var call = new Call("outcome", "answer", taskKey, "-", outcomeUrl);
            var result = call(call, request, (response, attempt) -> outcome(response, taskKey, attempt));
            if (result.ended() || remaining <= wait) {
                return result;
            }
            if (result.status().equals("unknown")) {
                // This gateway heard nothing of the key yet: do not spin; ask again shortly.
                pause(Duration.ofSeconds(1));
            }
        }
    }

    /**
     * Asks the coordinator how it is ({@code GET /api/health}), once, without retrying.
     *
     * @throws CoordinatorUnavailableException when it cannot be reached or does not answer like a coordinator
     */
    public HealthReport health() {
        HttpRequest request = HttpRequest.newBuilder(healthUrl)
                .timeout(attemptTimeout)
                .header("Accept", ACCEPT)
                .GET()
                .build();
        HttpResponse<String> response;
        try {
            response = send(request, 1);
        } catch (RetryableFailure failure) {
            throw new CoordinatorUnavailableException(
                    "No health answer from " + healthUrl + ": " + failure.description + ". " + failure.hint,
                    healthUrl,
                    1,
                    -1,
                    failure.getCause());
        }
        int status = response.statusCode();
        Optional<HealthReply> body = read(response.body(), HealthReply.class);
        if (status == 200 && body.isPresent()) {
            String reported = Objects.requireNonNullElse(body.get().status(), "");
            return new HealthReport(
                    reported.equals("healthy"),
                    reported,
                    body.get().timestamp(),
                    body.get().error() != null
                            ? body.get().error()
                            : reported.equals("healthy") ? null : "status " + reported);
        }
        if (status >= 500) {
            return new HealthReport(
                    false,
                    body.map(HealthReply::status).orElse("unhealthy"),
                    body.map(HealthReply::timestamp).orElse(null),
                    body.map(HealthReply::error).orElse("HTTP " + status + " " + excerpt(response.body())));
        }
        throw unusable(response, 1, "HTTP " + status);
    }

    /** The clock of {@code Retry-After} dates and lease expiries. */
    Clock clock() {
        return clock;
    }

    /** Logs a line where retries are logged. */
    void log(String line) {
        logger.accept(line);
    }

    /** Releases the HTTP client's connections and threads, waiting for claims in flight. */
    @Override
    public void close() {
        http.close();
    }

    /** One request to the coordinator: what it does, for messages, and where. */
    private record Call(String action, String answer, String taskKey, String requestId, URI url) {}

    /** Reads a usable answer (200, or 409 for refusals) into a result. */
    @FunctionalInterface
    private interface Reader<T> {
        T read(HttpResponse<String> response, int attempt);
    }

    /** Sends {@code request} until it gets a usable answer, retrying with the same body (the same request id). */
    private <T> T call(Call call, HttpRequest request, Reader<T> reader) {
        RetryPolicy<T> policy = RetryPolicy.<T>builder()
                .handle(RetryableFailure.class)
                .withMaxAttempts(retry.maxAttempts())
                .withDelayFn(context -> delayAfter(context.getLastException()))
                .onRetryScheduled(event -> logRetry(call, event.getLastException(), event.getDelay()))
                .build();
        try {
            return Failsafe.with(policy).get(context -> attempt(call, request, reader, context.getAttemptCount() + 1));
        } catch (RetryableFailure last) {
            throw new CoordinatorUnavailableException(
                    "No " + call.action() + " " + call.answer() + " for " + call.taskKey() + " from " + call.url()
                            + " after " + last.attempt + (last.attempt == 1 ? " attempt" : " attempts")
                            + (call.requestId().equals("-") ? "" : " (requestId " + call.requestId() + ")")
                            + "; last error: " + last.description + ". " + last.hint,
                    call.url(),
                    last.attempt,
                    last.status,
                    last.getCause());
        } catch (FailsafeException e) {
            // The attempts throw only unchecked exceptions: Failsafe wraps what interrupted a pause between them.
            if (e.getCause() instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new CoordinatorUnavailableException(
                    "Stopped retrying the " + call.action() + " for " + call.taskKey() + " at " + call.url() + " ("
                            + e.getCause() + "); no " + call.answer() + " was received.",
                    call.url(),
                    0,
                    -1,
                    e.getCause());
        }
    }

    private <T> T attempt(Call call, HttpRequest httpRequest, Reader<T> reader, int attempt) {
        HttpResponse<String> response = send(httpRequest, attempt);
        int status = response.statusCode();
        if (status == 200 || (status == 409 && !call.action().equals("claim"))) {
            return reader.read(response, attempt);
        }
        if (status == 400 || status == 409) {
            // 409 on a claim: its request id already names another request; nothing was decided for it.
            throw rejected(response, call.url());
        }
        if (status == 502 || status == 503 || status == 504) {
            Optional<String> error = problem(response.body()).map(Problem::error);
            String hint = status == 503
                    ? "The coordinator is up but could not decide"
                            + error.map(e -> " (" + e + ")").orElse("") + "; check its health (GET " + healthUrl
                            + ") and its Kafka cluster."
                    : "A proxy in front of the coordinator could not reach it; check that the coordinator is running.";
            throw new RetryableFailure(
                    attempt,
                    status,
                    "HTTP " + status + " " + errorSummary(response.body()),
                    hint,
                    RetryAfter.parse(
                            response.headers().firstValue("Retry-After").orElse(null), clock.instant()),
                    null);
        }
        throw unusable(response, attempt, "HTTP " + status);
    }

    /** One HTTP exchange; failures that another attempt may not meet become {@link RetryableFailure}. */
    private HttpResponse<String> send(HttpRequest request, int attempt) {
        try {
            return http.send(request, BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpConnectTimeoutException e) {
            String description = "could not connect within " + human(attemptTimeout);
            throw new RetryableFailure(attempt, -1, description, CHECK_RUNNING, Optional.empty(), e);
        } catch (HttpTimeoutException e) {
            throw new RetryableFailure(
                    attempt,
                    -1,
                    "no answer within " + human(attemptTimeout),
                    "The coordinator accepted the connection but did not answer; check its health (GET " + healthUrl
                            + ") and its Kafka cluster, or allow a longer timeout per attempt.",
                    Optional.empty(),
                    e);
        } catch (IOException e) {
            throw new RetryableFailure(attempt, -1, describe(e, request.uri()), CHECK_RUNNING, Optional.empty(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CoordinatorUnavailableException(
                    "Interrupted while waiting for " + request.uri() + "; no answer was received.",
                    request.uri(),
                    attempt,
                    -1,
                    e);
        }
    }

    private ClaimResult decision(HttpResponse<String> response, ClaimRequest sent, int attempt) {
        ClaimReply reply = readObject(response.body())
                .filter(node -> node.path("proceed").isBoolean())
                .map(node -> JSON.treeToValue(node, ClaimReply.class))
                .orElseThrow(() -> unusable(response, attempt, "HTTP 200 without a boolean \"proceed\""));
        boolean proceed = reply.proceed();
        Optional<String> claimedBy = Optional.ofNullable(reply.claimedBy());
        return new ClaimResult(
                proceed,
                Objects.requireNonNullElse(reply.taskKey(), sent.taskKey()),
                Objects.requireNonNullElse(reply.requestId(), sent.requestId()),
                claimedBy.orElse(null),
                Optional.ofNullable(reply.claimedAt())
                        .flatMap(ClaimClient::instant)
                        .orElse(null),
                Optional.ofNullable(reply.message())
                        .orElse((proceed ? "Claimed by " : "Already claimed by ") + claimedBy.orElse("another agent")),
                Optional.ofNullable(reply.mode())
                        .flatMap(ClaimMode::fromWireName)
                        .orElse(ClaimMode.ONCE),
                reply.fencingToken(),
                Optional.ofNullable(reply.expiresAt())
                        .flatMap(ClaimClient::instant)
                        .orElse(null),
                reply.ttlSeconds(),
                reply.outcome());
    }

    private HolderResult holderCall(String action, URI url, ClaimRequest request, HolderBody body) {
        var call = new Call(action, "decision", request.taskKey(), body.requestId(), url);
        return call(call, post(url, body), (response, attempt) -> holderResult(response, attempt));
    }

    private HolderResult holderResult(HttpResponse<String> response, int attempt) {
        HolderReply reply = readObject(response.body())
                .filter(node -> node.path("accepted").isBoolean())
                .map(node -> JSON.treeToValue(node, HolderReply.class))
                .orElseThrow(() -> unusable(
                        response, attempt, "HTTP " + response.statusCode() + " without a boolean \"accepted\""));
        return new HolderResult(
                reply.accepted(),
                Objects.requireNonNullElse(reply.result(), ""),
                reply.reason(),
                Objects.requireNonNullElse(reply.message(), ""),
                reply.fencingToken(),
                reply.currentFencingToken(),
                reply.heldBy(),
                Optional.ofNullable(reply.expiresAt())
                        .flatMap(ClaimClient::instant)
                        .orElse(null));
    }

    private OutcomeResult outcome(HttpResponse<String> response, String taskKey, int attempt) {
        OutcomeReply reply = readObject(response.body())
                .filter(node -> node.path("status").isString())
                .map(node -> JSON.treeToValue(node, OutcomeReply.class))
                .orElseThrow(() -> unusable(response, attempt, "HTTP 200 without a \"status\""));
        return new OutcomeResult(
                Objects.requireNonNullElse(reply.taskKey(), taskKey),
                reply.status(),
                reply.ended(),
                reply.agentId(),
                reply.fencingToken(),
                Objects.requireNonNullElse(reply.message(), ""));
    }

    private HttpRequest post(URI url, Object body) {
        return authorized(HttpRequest.newBuilder(url))
                .timeout(attemptTimeout)
                .header("Content-Type", "application/json")
                .header("Accept", ACCEPT)
                .POST(BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
                .build();
    }

    /** Adds the agent token, when one is configured, as {@code Authorization: Bearer}. */
    private HttpRequest.Builder authorized(HttpRequest.Builder request) {
        return token == null ? request : request.header("Authorization", "Bearer " + token);
    }

    private static ClaimRequest withRequestId(ClaimRequest request) {
        return request.requestId() != null
                ? request
                : request.withRequestId(UUID.randomUUID().toString());
    }

    /** The body of a holder request; every call is a new request (its retries share the request id). */
    private static HolderBody holderBody(ClaimRequest request, long fencingToken, Long ttlSeconds, String outcome) {
        return new HolderBody(
                request.project(),
                request.task(),
                request.gitSha(),
                request.agentId(),
                fencingToken,
                UUID.randomUUID().toString(),
                ttlSeconds,
                outcome);
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CoordinatorUnavailableException("Interrupted while waiting for an outcome", null, 0, -1, e);
        }
    }

    private ClaimRejectedException rejected(HttpResponse<String> response, URI url) {
        Optional<Problem> problem = problem(response.body());
        var violations = problem.map(Problem::violations).orElse(List.of());
        String message =
                problem.map(Problem::detail).orElse("HTTP " + response.statusCode() + " " + excerpt(response.body()));
        return ClaimRejectedException.byCoordinator(url.toString(), message, violations);
    }

    /** An answer that is neither a decision nor worth retrying: most likely a wrong URL or an incompatible server. */
    private CoordinatorUnavailableException unusable(HttpResponse<String> response, int attempt, String what) {
        int status = response.statusCode();
        String redirect = response.headers()
                .firstValue("Location")
                .map(location -> " (redirect to " + location + ")")
                .orElse("");
        String hint = status >= 500
                ? "The coordinator failed; check its logs and its health (GET " + healthUrl + ")."
                : status == 401
                        ? "The coordinator requires an agent token: pass --agent-token or set TURNSTILE_TOKEN (in Java,"
                                + " ClaimClient.builder(url).token(…))"
                                + (token == null ? "" : "; the one given is not accepted")
                                + "."
                        : "Check that TURNSTILE_URL (or the URL you passed) points at a Turnstile coordinator; it answers"
                                + " POST /api/claim and GET /api/health.";
        return new CoordinatorUnavailableException(
                "The coordinator at " + response.uri() + " answered " + what + redirect + " on attempt " + attempt
                        + ", which is not retried: " + excerpt(response.body()) + ". " + hint,
                response.uri(),
                attempt,
                status,
                null);
    }

    private Duration delayAfter(Throwable lastFailure) {
        if (lastFailure instanceof RetryableFailure failure) {
            return retry.delayBefore(
                    failure.attempt,
                    failure.retryAfter,
                    ThreadLocalRandom.current().nextDouble());
        }
        return null;
    }

    private void logRetry(Call call, Throwable lastFailure, Duration delay) {
        if (lastFailure instanceof RetryableFailure failure) {
            String action = Character.toUpperCase(call.action().charAt(0))
                    + call.action().substring(1);
            logger.accept(action + " attempt " + failure.attempt + " of " + retry.maxAttempts() + " for "
                    + call.taskKey() + " at " + call.url() + " failed: " + failure.description + "; retrying in "
                    + human(delay)
                    + (call.requestId().equals("-") ? "" : " with the same requestId " + call.requestId()));
        }
    }

    private static <T> Optional<T> read(String body, Class<T> type) {
        return readObject(body).flatMap(node -> {
            try {
                return Optional.of(JSON.treeToValue(node, type));
            } catch (JacksonException e) {
                return Optional.empty();
            }
        });
    }

    private static Optional<JsonNode> readObject(String body) {
        if (body == null || body.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(JSON.readTree(body)).filter(JsonNode::isObject);
        } catch (JacksonException e) {
            // Not JSON: the caller reports the body excerpt instead.
            return Optional.empty();
        }
    }

    /** The body as a problem (RFC 9457), when it is one. */
    private static Optional<Problem> problem(String body) {
        return readObject(body)
                .filter(node ->
                        node.path("error").isString() || node.path("detail").isString())
                .flatMap(node -> {
                    try {
                        return Optional.of(JSON.treeToValue(node, Problem.class));
                    } catch (JacksonException e) {
                        // A problem of another shape: the caller reports the body excerpt instead.
                        return Optional.empty();
                    }
                });
    }

    private static Optional<Instant> instant(String value) {
        try {
            return Optional.of(Instant.parse(value));
        } catch (DateTimeParseException e) {
            // The decision stands without its timestamp; the message still carries the server's wording.
            return Optional.empty();
        }
    }

    /** {@code "overloaded: Too many pending claims"} from a problem, else an excerpt of the body. */
    private static String errorSummary(String body) {
        return problem(body)
                .map(problem -> Objects.requireNonNullElse(problem.error(), "error")
                        + (problem.detail() == null ? "" : ": " + problem.detail()))
                .orElse(excerpt(body));
    }

    private static String excerpt(String body) {
        if (body == null || body.isBlank()) {
            return "(empty body)";
        }
        String oneLine = body.strip().replaceAll("\\s+", " ");
        return oneLine.length() <= EXCERPT_LENGTH ? oneLine : oneLine.substring(0, EXCERPT_LENGTH) + "...";
    }

    /** What went wrong, in words: {@code ConnectException} often has no message, nor has its cause. */
    private static String describe(IOException failure, URI url) {
        String innermost = null;
        boolean connecting = false;
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            connecting |= cause instanceof ConnectException;
            if (cause.getMessage() != null && !cause.getMessage().isBlank()) {
                innermost = cause.getClass().getSimpleName() + ": " + cause.getMessage();
            }
        }
        if (connecting) {
            String where = url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort());
            return "could not connect to " + where + (innermost == null ? "" : " (" + innermost + ")");
        }
        return innermost != null ? innermost : failure.getClass().getSimpleName();
    }

    static String human(Duration duration) {
        long millis = duration.toMillis();
        if (millis < 1000) {
            return millis + " ms";
        }
        if (millis % 1000 == 0) {
            return millis / 1000 + " s";
        }
        return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    private static URI endpoint(URI base, String path) {
        String text = base.toString();
        while (text.endsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        return URI.create(text + path);
    }

    /** A failed attempt another attempt may fix; control flow inside {@link #claim}, never thrown to callers. */
    private static final class RetryableFailure extends RuntimeException {

        private final int attempt;
        private final int status;
        private final String description;
        private final String hint;
        private final Optional<Duration> retryAfter;

        RetryableFailure(
                int attempt,
                int status,
                String description,
                String hint,
                Optional<Duration> retryAfter,
                Throwable cause) {
            super(description, cause, false, false);
            this.attempt = attempt;
            this.status = status;
            this.description = description;
            this.hint = hint;
            this.retryAfter = retryAfter;
        }
    }

    /** Configures a {@link ClaimClient}; every setting has a default. */
    public static final class Builder {

        private final URI coordinatorUrl;
        private Duration attemptTimeout = DEFAULT_ATTEMPT_TIMEOUT;
        private RetrySettings retry = RetrySettings.DEFAULTS;
        private Consumer<String> logger = line -> System.err.println("turnstile: " + line);
        private Clock clock = Clock.systemUTC();
        private String token;

        private Builder(URI coordinatorUrl) {
            this.coordinatorUrl = checkUrl(coordinatorUrl);
        }

        /** How long one attempt may take, connecting included; {@link #DEFAULT_ATTEMPT_TIMEOUT} by default. */
        public Builder attemptTimeout(Duration attemptTimeout) {
            if (attemptTimeout == null || attemptTimeout.isNegative() || attemptTimeout.isZero()) {
                throw new IllegalArgumentException("The attempt timeout must be positive; got " + attemptTimeout);
            }
            this.attemptTimeout = attemptTimeout;
            return this;
        }

        /** Attempts and backoff; {@link RetrySettings#DEFAULTS} by default. */
        public Builder retry(RetrySettings retry) {
            this.retry = Objects.requireNonNull(retry, "retry");
            return this;
        }

        /** Where a line goes for each retry (what failed, when the next attempt is); standard error by default. */
        public Builder logger(Consumer<String> logger) {
            this.logger = Objects.requireNonNull(logger, "logger");
            return this;
        }

        /** The clock that dates {@code Retry-After} headers given as HTTP dates; the system clock by default. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * The agent token sent as {@code Authorization: Bearer <token>} with claims and lease requests, for a
         * coordinator that requires one ({@code turnstile.security.agent-tokens}); none by default.
         */
        public Builder token(String token) {
            if (token != null && (token.isBlank() || token.chars().anyMatch(c -> c < 0x21 || c > 0x7e))) {
                throw new IllegalArgumentException("An agent token must be printable ASCII without spaces");
            }
            this.token = token;
            return this;
        }

        /** A client with these settings; close it to release its connections. */
        public ClaimClient build() {
            return new ClaimClient(this);
        }

        private static URI checkUrl(URI url) {
            Objects.requireNonNull(url, "coordinator URL");
            String scheme = url.getScheme();
            boolean http = "http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme);
            if (!http || url.getHost() == null || url.getRawQuery() != null || url.getRawFragment() != null) {
                throw new IllegalArgumentException("The coordinator URL must be an http(s) URL such as"
                        + " http://turnstile.internal:8080, without query or fragment; got \"" + url + "\"");
            }
            return url;
        }
    }
}
