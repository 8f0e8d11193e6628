package dev.turnstile.client.jobs;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import dev.turnstile.client.CoordinatorUnavailableException;
import dev.turnstile.client.RetryAfter;
import dev.turnstile.client.RetrySettings;
import dev.turnstile.contracts.claim.ClaimRules;
import dev.turnstile.contracts.claim.FieldViolation;
import dev.turnstile.contracts.http.ClaimedJobReply;
import dev.turnstile.contracts.http.EnqueueReply;
import dev.turnstile.contracts.http.Problem;
import dev.turnstile.contracts.http.WorkerReply;
import dev.turnstile.contracts.job.JobRef;
import dev.turnstile.contracts.job.JobRules;
import dev.turnstile.contracts.job.JobState;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The work-queue API of a Turnstile coordinator: enqueue jobs, claim the next one, report on it, and the operators'
 * requests. Every request carries a request id, the same on each of its attempts, and is retried while the coordinator
 * is unreachable or answers 502/503/504, so that a retry gets the answer of the request it repeats and is never
 * decided twice (a claim-next retried after a lost answer gets the job it already claimed).
 *
 * <pre>{@code
 * try (var jobs = JobClient.builder(URI.create(System.getenv("TURNSTILE_URL"))).build()) {
 *     jobs.enqueue("emails", NewJob.named("send-welcome").payloadOf(Map.of("to", "ada@example.com")));
 * }
 * }</pre>
 *
 * <p>To run jobs, use a {@link Worker}, which claims, heartbeats and reports for you. Thread-safe.
 */
public final class JobClient implements AutoCloseable {

    /** How long one attempt may take, connecting included, unless {@link Builder#attemptTimeout} says otherwise. */
    public static final Duration DEFAULT_ATTEMPT_TIMEOUT = Duration.ofSeconds(10);

    static final JsonMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private static final int EXCERPT_LENGTH = 200;

    private static final String CHECK_RUNNING = "Check TURNSTILE_URL (or the URL you passed) and that the coordinator"
            + " is running and reachable from here.";

    /** Statuses whose body is an answer (a refusal included) rather than an error. */
    private static final Set<Integer> ANSWERS = Set.of(200, 201, 404, 409);

    private final URI coordinatorUrl;
    private final Duration attemptTimeout;
    private final RetrySettings retry;
    private final Consumer<String> logger;
    private final Clock clock;
    private final String token;
    private final String operatorAuthorization;
    private final HttpClient http;

    private JobClient(Builder builder) {
        this.coordinatorUrl = builder.coordinatorUrl;
        this.attemptTimeout = builder.attemptTimeout;
        this.retry = builder.retry;
        this.logger = builder.logger;
        this.clock = builder.clock;
        this.token = builder.token;
        this.operatorAuthorization = builder.operatorAuthorization;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(attemptTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /**
     * Starts building a client for the coordinator at {@code coordinatorUrl}, e.g. {@code http://turnstile:8080}.
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
     * Adds a job to {@code queue} ({@code POST /api/queues/{queue}/jobs}): the job created, or the one already there
     * with the same job id or (unfinished) dedup key.
     *
     * @throws JobRejectedException when the job breaks the rules (checked here first); not retried
     * @throws CoordinatorUnavailableException when no attempt got an answer
     */
    public EnqueuedJob enqueue(String queue, NewJob job) {
        var violations = new ArrayList<>(JobRules.checkQueue(queue));
        violations.addAll(check(job));
        if (!violations.isEmpty()) {
            throw JobRejectedException.locally("job", violations);
        }
        var requestId =
                job.requestId() != null ? job.requestId() : UUID.randomUUID().toString();
        var body = JSON.createObjectNode().put("name", job.name());
        if (job.jobId() != null) {
            body.put("jobId", job.jobId());
        }
        if (job.payload() != null) {
            body.set("payload", job.payload());
        }
        if (job.priority() != null) {
            body.put("priority", job.priority());
        }
        if (job.delay() != null) {
            body.put("delaySeconds", job.delay().toSeconds());
        }
        if (job.runAt() != null) {
            body.put("runAt", job.runAt().toString());
        }
        if (job.maxAttempts() != null) {
            body.put("maxAttempts", job.maxAttempts());
        }
        if (job.backoff() != null) {
            body.putObject("backoff")
                    .put("kind", job.backoff().kind().wireName())
                    .put("baseSeconds", job.backoff().baseSeconds())
                    .put("capSeconds", job.backoff().capSeconds());
        }
        if (job.lease() != null) {
            body.put("leaseSeconds", job.lease().toSeconds());
        }
        if (job.dedupKey() != null) {
            body.put("dedupKey", job.dedupKey());
        }
        body.put("requestId", requestId);
        var url = endpoint("/api/queues/" + queue + "/jobs");
        var call = new Call(
                "enqueue",
                "job " + (job.jobId() == null ? job.name() : job.jobId()) + " on queue " + queue,
                requestId,
                url,
                false);
        return send(call, "POST", body, Duration.ZERO, (status, json, attempt) -> {
            if (status != 200 && status != 201 || !json.path("id").isString()) {
                throw unusable(call, status, json, attempt, "HTTP " + status + " without the job's \"id\"");
            }
            var reply = JSON.treeToValue(json, EnqueueReply.class);
            return new EnqueuedJob(
                    status == 201 || reply.created(),
                    Objects.requireNonNullElse(reply.message(), ""),
                    reply.id(),
                    Objects.requireNonNullElse(reply.queue(), queue),
                    reply.jobId(),
                    reply.state(),
                    reply.matchedBy(),
                    reply.runAt(),
                    Objects.requireNonNullElse(reply.requestId(), requestId),
                    reply.redelivery());
        });
    }

    /**
     * Asks for the next job of {@code queue} ({@code POST /api/queues/{queue}/claim-next}), waiting up to {@code wait}
     * (at most 30 s) for one: the job, or empty when none came.
     *
     * @throws JobRejectedException when the queue or worker id breaks the rules; not retried
     * @throws CoordinatorUnavailableException when no attempt got an answer; a job may have been claimed for this
     *     worker meanwhile: ask again with the same {@code requestId} to get it ({@link #claimNext(String, String,
     *     Duration, String)}), or its lease runs out and it is retried
     */
    public Optional<Job> claimNext(String queue, String workerId, Duration wait) {
        return claimNext(queue, workerId, wait, UUID.randomUUID().toString());
    }

    /**
     * As {@link #claimNext(String, String, Duration)}, under {@code requestId}: asking again with the same request id
     * after an answer was lost gets the same answer (the same job), never a second job.
     */
    public Optional<Job> claimNext(String queue, String workerId, Duration wait, String requestId) {
        long waitSeconds = wait == null ? 0 : wait.toSeconds();
        var violations = new ArrayList<>(JobRules.checkQueue(queue));
        violations.addAll(JobRules.checkWorkerId(workerId));
        violations.addAll(JobRules.checkRange("waitSeconds", waitSeconds, 0, JobRules.WAIT_MAX_SECONDS));
        violations.addAll(ClaimRules.checkRequestId(requestId));
        if (!violations.isEmpty()) {
            throw JobRejectedException.locally("claim-next", violations);
        }
        var body = JSON.createObjectNode()
                .put("workerId", workerId)
                .put("waitSeconds", waitSeconds)
                .put("requestId", requestId);
        var url = endpoint("/api/queues/" + queue + "/claim-next");
        var call = new Call("claim-next", "queue " + queue + " for " + workerId, requestId, url, false);
        return send(call, "POST", body, Duration.ofSeconds(waitSeconds), (status, json, attempt) -> {
            if (status == 204) {
                return Optional.<Job>empty();
            }
            if (status != 200
                    || !json.path("id").isString()
                    || !json.path("fencingToken").isIntegralNumber()) {
                throw unusable(call, status, json, attempt, "HTTP " + status + " without a job");
            }
            var reply = JSON.treeToValue(json, ClaimedJobReply.class);
            var ref = JobRef.parse("id", reply.id());
            return Optional.of(new Job(
                    reply.id(),
                    Objects.requireNonNullElse(
                            reply.queue(), ref.isValid() ? ref.ref().queue() : queue),
                    Objects.requireNonNullElse(
                            reply.jobId(), ref.isValid() ? ref.ref().jobId() : ""),
                    Objects.requireNonNullElse(reply.name(), ""),
                    json.path("payload"),
                    json.path("attempt").isIntegralNumber() ? reply.attempt() : 1,
                    json.path("maxAttempts").isIntegralNumber() ? reply.maxAttempts() : 1,
                    reply.fencingToken(),
                    json.path("leaseSeconds").isIntegralNumber()
                            ? reply.leaseSeconds()
                            : JobRules.DEFAULT_LEASE_SECONDS,
                    reply.leaseExpiresAt(),
                    reply.priority(),
                    Objects.requireNonNullElse(reply.workerId(), workerId),
                    Objects.requireNonNullElse(reply.requestId(), requestId)));
        });
    }

    /**
     * Extends the lease of {@code job} ({@code POST /api/jobs/{id}/heartbeat}), reporting its progress (0–100) and a
     * message, either null. Heartbeat every third of the lease.
     */
    public WorkerAnswer heartbeat(Job job, Integer progress, String message) {
        var body = workerBody(job);
        if (progress != null) {
            body.put("progress", Math.max(0, Math.min(100, progress)));
        }
        if (message != null && !message.isEmpty()) {
            body.put("message", cut(message, JobRules.MESSAGE_MAX_LENGTH));
        }
        return report("heartbeat", job, body);
    }

    /**
     * Reports that {@code job} succeeded ({@code POST /api/jobs/{id}/complete}), with its {@code result}: a JsonNode,
     * anything Jackson can write, or null.
     */
    public WorkerAnswer complete(Job job, Object result) {
        return complete(job, result, UUID.randomUUID().toString());
    }

    /** As {@link #complete(Job, Object)}, under {@code requestId}, so that asking again is answered, not decided. */
    WorkerAnswer complete(Job job, Object result, String requestId) {
        var body = workerBody(job, requestId);
        if (result != null) {
            body.set("result", result instanceof JsonNode node ? node : JSON.valueToTree(result));
        }
        return report("complete", job, body);
    }

    /**
     * Reports that this attempt of {@code job} failed ({@code POST /api/jobs/{id}/fail}): it is retried after its
     * backoff while attempts remain and {@code retryable}, else it is dead.
     */
    public WorkerAnswer fail(Job job, String error, boolean retryable) {
        return fail(job, error, retryable, UUID.randomUUID().toString());
    }

    /** As {@link #fail(Job, String, boolean)}, under {@code requestId}. */
    WorkerAnswer fail(Job job, String error, boolean retryable, String requestId) {
        var body = workerBody(job, requestId)
                .put("error", cut(error == null || error.isBlank() ? "failed" : error, JobRules.ERROR_MAX_LENGTH))
                .put("retryable", retryable);
        return report("fail", job, body);
    }

    /**
     * Appends lines to the job's log ({@code POST /api/jobs/{id}/logs}): 1 to 1,000 lines of at most 8,192 characters,
     * 64 K characters in all. The {@link Worker} batches lines for you.
     */
    public WorkerAnswer appendLogs(Job job, List<String> lines) {
        var violations = JobRules.checkLogLines(lines);
        if (!violations.isEmpty()) {
            throw JobRejectedException.locally("log lines", violations);
        }
        var body = workerBody(job);
        var array = body.putArray("lines");
        lines.forEach(array::add);
        return report("logs", job, body);
    }

    /** Records a reference to something the job produced ({@code POST /api/jobs/{id}/artifacts}). */
    public WorkerAnswer attachArtifact(Job job, Artifact artifact) {
        var violations = new ArrayList<FieldViolation>();
        violations.addAll(JobRules.checkPrintable("name", artifact.name(), true));
        violations.addAll(JobRules.checkLength("uri", artifact.uri(), JobRules.URI_MAX_LENGTH, true));
        violations.addAll(JobRules.checkRange("bytes", artifact.bytes(), 0, Long.MAX_VALUE));
        violations.addAll(JobRules.checkSha256(artifact.sha256()));
        violations.addAll(JobRules.checkPrintable("contentType", artifact.contentType(), true));
        if (!violations.isEmpty()) {
            throw JobRejectedException.locally("artifact", violations);
        }
        var body = workerBody(job)
                .put("name", artifact.name())
                .put("uri", artifact.uri())
                .put("bytes", artifact.bytes())
                .put("sha256", artifact.sha256())
                .put("contentType", artifact.contentType());
        return report("artifact", job, body);
    }

    /** Cancels a job ({@code POST /api/jobs/{queue}:{jobId}/cancel}); an active one's worker stops at its next heartbeat. */
    public OperatorAnswer cancel(String queue, String jobId) {
        return operate("cancel", "POST", jobPath(queue, jobId, "/cancel"), null, "job " + new JobRef(queue, jobId));
    }

    /** Puts a dead or failed job back to waiting with a fresh round of attempts. */
    public OperatorAnswer retry(String queue, String jobId) {
        return operate("retry", "POST", jobPath(queue, jobId, "/retry"), null, "job " + new JobRef(queue, jobId));
    }

    /** Removes a job that is not active; its job id may be used again. */
    public OperatorAnswer delete(String queue, String jobId) {
        return operate("delete", "DELETE", jobPath(queue, jobId, ""), null, "job " + new JobRef(queue, jobId));
    }

    /** Pauses a queue: claim-next hands out nothing until it is resumed; active jobs go on. */
    public OperatorAnswer pause(String queue) {
        return operate("pause", "POST", queuePath(queue, "/pause"), null, "queue " + queue);
    }

    /** Resumes a paused queue. */
    public OperatorAnswer resume(String queue) {
        return operate("resume", "POST", queuePath(queue, "/resume"), null, "queue " + queue);
    }

    /** Sets the most jobs of {@code queue} active at once (1–10,000), or no limit with null. */
    public OperatorAnswer configure(String queue, Integer concurrency) {
        var body = JSON.createObjectNode();
        if (concurrency == null) {
            body.putNull("concurrency");
        } else {
            body.put("concurrency", concurrency);
        }
        return operate("settings", "PUT", queuePath(queue, "/settings"), body, "queue " + queue);
    }

    /** Releases the HTTP client's connections and threads. */
    @Override
    public void close() {
        http.close();
    }

    /** Logs a line where retries are logged. */
    void log(String line) {
        logger.accept(line);
    }

    private static List<FieldViolation> check(NewJob job) {
        var violations = new ArrayList<FieldViolation>();
        violations.addAll(JobRules.checkPrintable("name", job.name(), true));
        if (job.jobId() != null) {
            violations.addAll(JobRules.checkJobId(job.jobId()));
        }
        violations.addAll(JobRules.checkJsonSize("payload", job.payload()));
        if (job.priority() != null) {
            violations.addAll(
                    JobRules.checkRange("priority", job.priority(), JobRules.PRIORITY_MIN, JobRules.PRIORITY_MAX));
        }
        if (job.delay() != null) {
            violations.addAll(wholeSeconds("delay", job.delay(), 0, JobRules.DELAY_MAX_SECONDS));
            if (job.runAt() != null) {
                violations.add(new FieldViolation(
                        "delay", "exclusive", "Give runAt or delay, not both: when the job may first run"));
            }
        }
        if (job.maxAttempts() != null) {
            violations.addAll(JobRules.checkRange("maxAttempts", job.maxAttempts(), 1, JobRules.MAX_ATTEMPTS_LIMIT));
        }
        if (job.lease() != null) {
            violations.addAll(wholeSeconds("lease", job.lease(), 1, JobRules.LEASE_MAX_SECONDS));
        }
        violations.addAll(JobRules.checkPrintable("dedupKey", job.dedupKey(), false));
        violations.addAll(ClaimRules.checkRequestId(job.requestId()));
        return violations;
    }

    private static List<FieldViolation> wholeSeconds(String field, Duration value, long min, long max) {
        if (value.toMillis() % 1000 != 0 || value.toSeconds() < min || value.toSeconds() > max) {
            return List.of(new FieldViolation(
                    field,
                    "range",
                    field + " must be whole seconds from " + min + " s to " + max + " s; got " + value));
        }
        return List.of();
    }

    private ObjectNode workerBody(Job job) {
        return workerBody(job, UUID.randomUUID().toString());
    }

    private static ObjectNode workerBody(Job job, String requestId) {
        return JSON.createObjectNode()
                .put("workerId", job.workerId())
                .put("fencingToken", job.fencingToken())
                .put("requestId", requestId);
    }

    private WorkerAnswer report(String action, Job job, ObjectNode body) {
        var requestId = body.path("requestId").asString();
        var url = endpoint("/api/jobs/" + job.id() + "/" + (action.equals("artifact") ? "artifacts" : action));
        var call = new Call(action, job.id() + " (token " + job.fencingToken() + ")", requestId, url, false);
        return send(call, "POST", body, Duration.ZERO, (status, json, attempt) -> {
            if (!json.path("accepted").isBoolean()) {
                throw unusable(call, status, json, attempt, "HTTP " + status + " without a boolean \"accepted\"");
            }
            var reply = JSON.treeToValue(json, WorkerReply.class);
            return new WorkerAnswer(
                    reply.accepted(),
                    Objects.requireNonNullElse(reply.result(), ""),
                    reply.reason(),
                    Objects.requireNonNullElse(reply.message(), ""),
                    reply.state(),
                    reply.leaseExpiresAt(),
                    reply.retryAt(),
                    reply.currentFencingToken());
        });
    }

    private OperatorAnswer operate(String action, String method, String path, ObjectNode body, String what) {
        if (operatorAuthorization == null) {
            throw new IllegalStateException("Operator requests need a dashboard user with the OPERATOR role: build the"
                    + " client with JobClient.builder(url).operator(user, password)");
        }
        var requestId = UUID.randomUUID().toString();
        var sent = body == null ? JSON.createObjectNode() : body;
        URI url;
        if (method.equals("DELETE")) {
            url = endpoint(path + "?requestId=" + URLEncoder.encode(requestId, StandardCharsets.UTF_8));
            sent = null;
        } else {
            sent.put("requestId", requestId);
            url = endpoint(path);
        }
        var call = new Call(action, what, requestId, url, true);
        return send(call, method, sent, Duration.ZERO, (status, json, attempt) -> {
            if (!json.path("accepted").isBoolean()) {
                throw unusable(call, status, json, attempt, "HTTP " + status + " without a boolean \"accepted\"");
            }
            return new OperatorAnswer(
                    json.path("accepted").booleanValue(),
                    text(json, "result").orElse(""),
                    text(json, "reason").orElse(null),
                    text(json, "message").orElse(""),
                    text(json, "id").orElse(null),
                    state(json, "state"),
                    state(json, "previousState"),
                    json.path("concurrency").isIntegralNumber()
                            ? json.path("concurrency").asInt()
                            : null);
        });
    }

    private static String jobPath(String queue, String jobId, String suffix) {
        var violations = new ArrayList<>(JobRules.checkQueue(queue));
        violations.addAll(JobRules.checkJobId(jobId));
        if (!violations.isEmpty()) {
            throw JobRejectedException.locally("job reference", violations);
        }
        return "/api/jobs/" + new JobRef(queue, jobId) + suffix;
    }

    private static String queuePath(String queue, String suffix) {
        var violations = JobRules.checkQueue(queue);
        if (!violations.isEmpty()) {
            throw JobRejectedException.locally("queue", violations);
        }
        return "/api/queues/" + queue + suffix;
    }

    /** One request: what it does and to what, for messages; whether it is an operator's. */
    private record Call(String action, String subject, String requestId, URI url, boolean operator) {}

    /** Reads an answer (200, 201, 204, 404 or 409) into a result. */
    @FunctionalInterface
    private interface Reader<T> {
        T read(int status, JsonNode body, int attempt);
    }

    /** Sends until an answer comes, retrying with the same body (the same request id) on network errors and 50x. */
    private <T> T send(Call call, String method, ObjectNode body, Duration extraWait, Reader<T> reader) {
        var request = HttpRequest.newBuilder(call.url())
                .timeout(attemptTimeout.plus(extraWait))
                .header("Accept", "application/json, application/problem+json")
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (call.operator()) {
            request.header("Authorization", operatorAuthorization);
        } else if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        var built = request.build();
        RetryPolicy<T> policy = RetryPolicy.<T>builder()
                .handle(RetryableFailure.class)
                .withMaxAttempts(retry.maxAttempts())
                .withDelayFn(context -> context.getLastException() instanceof RetryableFailure failure
                        ? retry.delayBefore(
                                failure.attempt,
                                failure.retryAfter,
                                ThreadLocalRandom.current().nextDouble())
                        : Duration.ZERO)
                .onRetryScheduled(event -> {
                    if (event.getLastException() instanceof RetryableFailure failure) {
                        logger.accept(capitalized(call.action()) + " attempt " + failure.attempt + " of "
                                + retry.maxAttempts() + " for " + call.subject() + " at " + call.url() + " failed: "
                                + failure.description + "; retrying in " + human(event.getDelay())
                                + " with the same requestId " + call.requestId());
                    }
                })
                .build();
        try {
            return Failsafe.with(policy).get(context -> attempt(call, built, reader, context.getAttemptCount() + 1));
        } catch (RetryableFailure last) {
            throw new CoordinatorUnavailableException(
                    "No answer to the " + call.action() + " of " + call.subject()
                            + " from " + call.url() + " after " + last.attempt
                            + (last.attempt == 1 ? " attempt" : " attempts")
                            + " (requestId " + call.requestId() + "); last error: " + last.description + ". "
                            + last.hint,
                    call.url(),
                    last.attempt,
                    last.status,
                    last.getCause());
        } catch (FailsafeException e) {
            if (e.getCause() instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new CoordinatorUnavailableException(
                    "Stopped retrying the " + call.action() + " of " + call.subject() + " (" + e.getCause()
                            + "); no answer was received",
                    call.url(),
                    0,
                    -1,
                    e.getCause());
        }
    }

    private <T> T attempt(Call call, HttpRequest request, Reader<T> reader, int attempt) {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpConnectTimeoutException e) {
            throw new RetryableFailure(
                    attempt,
                    -1,
                    "could not connect within " + human(attemptTimeout),
                    CHECK_RUNNING,
                    Optional.empty(),
                    e);
        } catch (HttpTimeoutException e) {
            throw new RetryableFailure(
                    attempt,
                    -1,
                    "no answer within " + human(request.timeout().orElseThrow()),
                    "The coordinator accepted the connection but did not answer; check its health (GET "
                            + endpoint("/api/health") + ") and its Kafka cluster, or allow a longer timeout.",
                    Optional.empty(),
                    e);
        } catch (IOException e) {
            throw new RetryableFailure(attempt, -1, describe(e, request.uri()), CHECK_RUNNING, Optional.empty(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CoordinatorUnavailableException(
                    "Interrupted while waiting for " + request.uri() + "; no answer"
                            + " was received (the " + call.action() + " may have been decided: its requestId is "
                            + call.requestId() + ")",
                    request.uri(),
                    attempt,
                    -1,
                    e);
        }
        int status = response.statusCode();
        var json = readObject(response.body());
        if (status == 204
                || ANSWERS.contains(status) && json.isPresent() && json.get().has("accepted")
                || (status == 200 || status == 201) && json.isPresent()) {
            return reader.read(status, json.orElse(JSON.createObjectNode()), attempt);
        }
        if (status == 400 || status == 409) {
            throw rejected(call, json, response.body());
        }
        if (status == 502 || status == 503 || status == 504) {
            var error = json.flatMap(body -> text(body, "error"));
            throw new RetryableFailure(
                    attempt,
                    status,
                    "HTTP " + status + " " + errorSummary(json, response.body()),
                    status == 503
                            ? "The coordinator is up but could not answer"
                                    + error.map(e -> " (" + e + ")").orElse("") + "; check its health (GET "
                                    + endpoint("/api/health") + ") and its Kafka cluster."
                            : "A proxy in front of the coordinator could not reach it; check that it is running.",
                    RetryAfter.parse(
                            response.headers().firstValue("Retry-After").orElse(null), clock.instant()),
                    null);
        }
        throw unusable(call, status, json.orElse(null), attempt, "HTTP " + status);
    }

    private JobRejectedException rejected(Call call, Optional<JsonNode> json, String body) {
        var problem = json.flatMap(JobClient::problem);
        List<FieldViolation> violations = problem.map(Problem::violations).orElse(List.of());
        var message = problem.map(Problem::detail).orElse("HTTP 400 " + excerpt(body));
        return JobRejectedException.byCoordinator(call.url().toString(), call.action(), message, violations);
    }

    /** An answer that is neither an answer nor worth retrying: most likely a wrong URL or missing credentials. */
    private CoordinatorUnavailableException unusable(Call call, int status, JsonNode json, int attempt, String what) {
        var hint = status >= 500
                ? "The coordinator failed; check its logs and its health (GET " + endpoint("/api/health") + ")."
                : status == 401 && call.operator()
                        ? "Operator requests need a dashboard user: JobClient.builder(url).operator(user, password)"
                                + " (the one given was not accepted)."
                        : status == 401
                                ? "The coordinator requires an agent token: pass --agent-token or set TURNSTILE_TOKEN (in Java,"
                                        + " JobClient.builder(url).token(…))"
                                        + (token == null ? "" : "; the one given is not accepted")
                                        + "."
                                : status == 403
                                        ? "The user is not an operator: give it the OPERATOR role (turnstile.dashboard.users.<name>.roles)."
                                        : status == 415
                                                ? "The coordinator wants JSON; this client sent it, so something in between changed the request."
                                                : "Check that TURNSTILE_URL (or the URL you passed) points at a Turnstile coordinator with work queues"
                                                        + " (it answers POST /api/queues/{queue}/jobs and GET /api/health).";
        return new CoordinatorUnavailableException(
                "The coordinator at " + call.url() + " answered " + what
                        + " to the " + call.action() + " of " + call.subject() + " on attempt " + attempt
                        + ", which is not"
                        + " retried: " + (json == null ? "(no JSON body)" : excerpt(json.toString())) + ". " + hint,
                call.url(),
                attempt,
                status,
                null);
    }

    private URI endpoint(String path) {
        var base = coordinatorUrl.toString();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return URI.create(base + path);
    }

    private static Optional<JsonNode> readObject(String body) {
        if (body == null || body.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(JSON.readTree(body)).filter(JsonNode::isObject);
        } catch (JacksonException e) {
            // Not JSON: the caller reports an excerpt of the body instead.
            return Optional.empty();
        }
    }

    static Optional<String> text(JsonNode node, String field) {
        var value = node.get(field);
        return value != null && value.isString() ? Optional.of(value.stringValue()) : Optional.empty();
    }

    private static Instant instant(JsonNode node, String field) {
        return text(node, field)
                .flatMap(value -> {
                    try {
                        return Optional.of(Instant.parse(value));
                    } catch (DateTimeParseException e) {
                        // The answer stands without this time.
                        return Optional.empty();
                    }
                })
                .orElse(null);
    }

    private static JobState state(JsonNode node, String field) {
        return text(node, field)
                .flatMap(name -> Arrays.stream(JobState.values())
                        .filter(s -> s.wireName().equals(name))
                        .findFirst())
                .orElse(null);
    }

    private static String errorSummary(Optional<JsonNode> json, String body) {
        return json.flatMap(JobClient::problem)
                .map(problem -> Objects.requireNonNullElse(problem.error(), "error")
                        + (problem.detail() == null ? "" : ": " + problem.detail()))
                .orElse(excerpt(body));
    }

    /** The body as a problem (RFC 9457), when it is one. */
    private static Optional<Problem> problem(JsonNode json) {
        if (!json.path("error").isString() && !json.path("detail").isString()) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.treeToValue(json, Problem.class));
        } catch (JacksonException e) {
            // A problem of another shape: the caller reports an excerpt of the body instead.
            return Optional.empty();
        }
    }

    private static String excerpt(String body) {
        if (body == null || body.isBlank()) {
            return "(empty body)";
        }
        var oneLine = body.strip().replaceAll("\\s+", " ");
        return oneLine.length() <= EXCERPT_LENGTH ? oneLine : oneLine.substring(0, EXCERPT_LENGTH) + "...";
    }

    static String cut(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }

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
            var where = url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort());
            return "could not connect to " + where + (innermost == null ? "" : " (" + innermost + ")");
        }
        return innermost != null ? innermost : failure.getClass().getSimpleName();
    }

    static String human(Duration duration) {
        long millis = duration.toMillis();
        if (millis < 1000) {
            return millis + " ms";
        }
        return millis % 1000 == 0 ? millis / 1000 + " s" : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    private static String capitalized(String action) {
        return Character.toUpperCase(action.charAt(0)) + action.substring(1);
    }

    /** A failed attempt another attempt may fix; control flow inside {@link #send}, never thrown to callers. */
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

    /** Configures a {@link JobClient}; every setting has a default. */
    public static final class Builder {

        private final URI coordinatorUrl;
        private Duration attemptTimeout = DEFAULT_ATTEMPT_TIMEOUT;
        private RetrySettings retry = RetrySettings.DEFAULTS;
        private Consumer<String> logger = line -> System.err.println("turnstile: " + line);
        private Clock clock = Clock.systemUTC();
        private String token;
        private String operatorAuthorization;

        private Builder(URI coordinatorUrl) {
            Objects.requireNonNull(coordinatorUrl, "coordinator URL");
            var scheme = coordinatorUrl.getScheme();
            boolean web = "http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme);
            if (!web
                    || coordinatorUrl.getHost() == null
                    || coordinatorUrl.getRawQuery() != null
                    || coordinatorUrl.getRawFragment() != null) {
                throw new IllegalArgumentException("The coordinator URL must be an http(s) URL such as"
                        + " http://turnstile.internal:8080, without query or fragment; got \"" + coordinatorUrl + "\"");
            }
            this.coordinatorUrl = coordinatorUrl;
        }

        /**
         * How long one attempt may take, connecting included ({@link #DEFAULT_ATTEMPT_TIMEOUT} by default); a
         * claim-next may take its wait longer.
         */
        public Builder attemptTimeout(Duration attemptTimeout) {
            if (attemptTimeout == null || attemptTimeout.isNegative() || attemptTimeout.isZero()) {
                throw new IllegalArgumentException("The attempt timeout must be positive; got " + attemptTimeout);
            }
            this.attemptTimeout = attemptTimeout;
            return this;
        }

        /** Attempts and backoff of each request; {@link RetrySettings#DEFAULTS} by default. */
        public Builder retry(RetrySettings retry) {
            this.retry = Objects.requireNonNull(retry, "retry");
            return this;
        }

        /** Where a line goes for each retry; standard error by default. */
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
         * The agent token sent as {@code Authorization: Bearer <token>} with enqueues and workers' requests, for a
         * coordinator that requires one ({@code turnstile.security.agent-tokens}); none by default.
         */
        public Builder token(String token) {
            if (token != null && (token.isBlank() || token.chars().anyMatch(c -> c < 0x21 || c > 0x7e))) {
                throw new IllegalArgumentException("An agent token must be printable ASCII without spaces");
            }
            this.token = token;
            return this;
        }

        /**
         * The dashboard user (with the OPERATOR role) that operator requests (cancel, retry, delete, pause, resume,
         * settings) are sent as, by HTTP Basic; none by default, and then those requests are refused here.
         */
        public Builder operator(String user, String password) {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(password, "password");
            this.operatorAuthorization = "Basic "
                    + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
            return this;
        }

        /** A client with these settings; close it to release its connections. */
        public JobClient build() {
            return new JobClient(this);
        }
    }
}
