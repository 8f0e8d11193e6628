package dev.turnstile.client;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import dev.turnstile.contracts.claim.FieldViolation;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
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
import java.util.ArrayList;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
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
 * try (var client = ClaimClient.builder(URI.create(System.getenv("NX_COORDINATOR_URL"))).build()) {
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
            .build();

    private static final int EXCERPT_LENGTH = 200;

    private static final String CHECK_RUNNING =
            "Check NX_COORDINATOR_URL (or the URL you passed) and that the coordinator is running and reachable from"
                    + " this agent.";

    private final URI coordinatorUrl;
    private final URI claimUrl;
    private final URI healthUrl;
    private final Duration attemptTimeout;
    private final RetrySettings retry;
    private final Consumer<String> logger;
    private final Clock clock;
    private final HttpClient http;

    private ClaimClient(Builder builder) {
        this.coordinatorUrl = builder.coordinatorUrl;
        this.claimUrl = endpoint(coordinatorUrl, "/api/claim");
        this.healthUrl = endpoint(coordinatorUrl, "/api/health");
        this.attemptTimeout = builder.attemptTimeout;
        this.retry = builder.retry;
        this.logger = builder.logger;
        this.clock = builder.clock;
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
        ClaimRequest sent = request.requestId() != null
                ? request
                : request.withRequestId(UUID.randomUUID().toString());
        HttpRequest httpRequest = HttpRequest.newBuilder(claimUrl)
                .timeout(attemptTimeout)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(BodyPublishers.ofByteArray(requestBody(sent)))
                .build();
        RetryPolicy<ClaimResult> policy = RetryPolicy.<ClaimResult>builder()
                .handle(RetryableFailure.class)
                .withMaxAttempts(retry.maxAttempts())
                .withDelayFn(context -> delayAfter(context.getLastException()))
                .onRetryScheduled(event -> logRetry(sent, event.getLastException(), event.getDelay()))
                .build();
        try {
            return Failsafe.with(policy).get(context -> attempt(httpRequest, sent, context.getAttemptCount() + 1));
        } catch (RetryableFailure last) {
            throw new CoordinatorUnavailableException(
                    "No claim decision for " + sent.taskKey() + " from " + claimUrl + " after " + last.attempt
                            + (last.attempt == 1 ? " attempt" : " attempts") + " (requestId " + sent.requestId()
                            + "); last error: " + last.description + ". " + last.hint,
                    claimUrl,
                    last.attempt,
                    last.status,
                    last.getCause());
        } catch (FailsafeException e) {
            // The attempts throw only unchecked exceptions: Failsafe wraps what interrupted a pause between them.
            if (e.getCause() instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new CoordinatorUnavailableException(
                    "Stopped retrying the claim for " + sent.taskKey() + " at " + claimUrl + " ("
                            + e.getCause() + "); no decision was received.",
                    claimUrl,
                    0,
                    -1,
                    e.getCause());
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
                .header("Accept", "application/json")
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
        Optional<JsonNode> body = readObject(response.body());
        if (status == 200 && body.isPresent()) {
            String reported = text(body.get(), "status").orElse("");
            return new HealthReport(
                    reported.equals("healthy"),
                    reported,
                    text(body.get(), "timestamp").orElse(null),
                    text(body.get(), "error").orElse(reported.equals("healthy") ? null : "status " + reported));
        }
        if (status >= 500) {
            return new HealthReport(
                    false,
                    body.flatMap(node -> text(node, "status")).orElse("unhealthy"),
                    body.flatMap(node -> text(node, "timestamp")).orElse(null),
                    body.flatMap(node -> text(node, "error"))
                            .orElse("HTTP " + status + " " + excerpt(response.body())));
        }
        throw unusable(response, 1, "HTTP " + status);
    }

    /** Releases the HTTP client's connections and threads, waiting for claims in flight. */
    @Override
    public void close() {
        http.close();
    }

    private ClaimResult attempt(HttpRequest httpRequest, ClaimRequest sent, int attempt) {
        HttpResponse<String> response = send(httpRequest, attempt);
        int status = response.statusCode();
        if (status == 200) {
            return decision(response, sent, attempt);
        }
        if (status == 400) {
            throw rejected(response);
        }
        if (status == 502 || status == 503 || status == 504) {
            Optional<String> error = readObject(response.body()).flatMap(body -> text(body, "error"));
            String hint = status == 503
                    ? "The coordinator is up but could not decide" + error.map(e -> " (" + e + ")").orElse("")
                            + "; check its health (GET " + healthUrl + ") and its Kafka cluster."
                    : "A proxy in front of the coordinator could not reach it; check that the coordinator is running.";
            throw new RetryableFailure(
                    attempt,
                    status,
                    "HTTP " + status + " " + errorSummary(response.body()),
                    hint,
                    RetryAfter.parse(response.headers().firstValue("Retry-After").orElse(null), clock.instant()),
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
        JsonNode body = readObject(response.body())
                .filter(node -> node.path("proceed").isBoolean())
                .orElseThrow(() -> unusable(response, attempt, "HTTP 200 without a boolean \"proceed\""));
        boolean proceed = body.path("proceed").booleanValue();
        Optional<String> claimedBy = text(body, "claimedBy");
        return new ClaimResult(
                proceed,
                text(body, "taskKey").orElse(sent.taskKey()),
                text(body, "requestId").orElse(sent.requestId()),
                claimedBy.orElse(null),
                text(body, "claimedAt").flatMap(ClaimClient::instant).orElse(null),
                text(body, "message")
                        .orElse((proceed ? "Claimed by " : "Already claimed by ") + claimedBy.orElse("another agent")));
    }

    private ClaimRejectedException rejected(HttpResponse<String> response) {
        Optional<JsonNode> body = readObject(response.body());
        var violations = new ArrayList<FieldViolation>();
        body.map(node -> node.path("violations")).filter(JsonNode::isArray).ifPresent(array -> {
            for (JsonNode violation : array.values()) {
                violations.add(new FieldViolation(
                        text(violation, "field").orElse(""),
                        text(violation, "rule").orElse(""),
                        text(violation, "message").orElse(violation.toString())));
            }
        });
        String message = body.flatMap(node -> text(node, "message"))
                .orElse("HTTP 400 " + excerpt(response.body()));
        return ClaimRejectedException.byCoordinator(claimUrl.toString(), message, violations);
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
                : "Check that NX_COORDINATOR_URL (or the URL you passed) points at a Turnstile coordinator; it answers"
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
                    failure.attempt, failure.retryAfter, ThreadLocalRandom.current().nextDouble());
        }
        return null;
    }

    private void logRetry(ClaimRequest sent, Throwable lastFailure, Duration delay) {
        if (lastFailure instanceof RetryableFailure failure) {
            logger.accept("Claim attempt " + failure.attempt + " of " + retry.maxAttempts() + " for "
                    + sent.taskKey() + " at " + claimUrl + " failed: " + failure.description + "; retrying in "
                    + human(delay) + " with the same requestId " + sent.requestId());
        }
    }

    private static byte[] requestBody(ClaimRequest request) {
        var body = JSON.createObjectNode()
                .put("project", request.project())
                .put("task", request.task())
                .put("gitSha", request.gitSha())
                .put("agentId", request.agentId())
                .put("requestId", request.requestId());
        return JSON.writeValueAsBytes(body);
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

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isString() ? Optional.of(value.stringValue()) : Optional.empty();
    }

    private static Optional<Instant> instant(String value) {
        try {
            return Optional.of(Instant.parse(value));
        } catch (DateTimeParseException e) {
            // The decision stands without its timestamp; the message still carries the server's wording.
            return Optional.empty();
        }
    }

    /** {@code "overloaded: Too many pending claims"} from an error body, else an excerpt of the body. */
    private static String errorSummary(String body) {
        return readObject(body)
                .filter(node -> node.has("error") || node.has("message"))
                .map(node -> text(node, "error").orElse("error") + text(node, "message").map(m -> ": " + m).orElse(""))
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
