package dev.turnstile.bench.peer;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.turnstile.contracts.claim.FieldViolation;
import dev.turnstile.contracts.job.JobRules;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * The work-queue endpoints a team would put in front of the {@code jobs} table (seed 002's "ops-executor" API: create,
 * claim with SKIP LOCKED, report), on Turnstile's paths and with the fields of its answers, so that the benchmark
 * drives both with one client: {@code POST /api/queues/{queue}/jobs} (201, or 200 for a job id already there),
 * {@code …/claim-next} (200 with the job and its fencing token, 204 when none waits; a wait polls every 100 ms, as
 * seed 002's workers poll), {@code POST /api/jobs/{queue}:{jobId}/complete} (200, 409 for a stale token).
 */
@RestController
class JobController {

    private static final long POLL_MILLIS = 100;

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Enqueued(boolean created, String id, String queue, String jobId, String state, String message) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ClaimedReply(
            String id,
            String queue,
            String jobId,
            String name,
            JsonNode payload,
            int attempt,
            int maxAttempts,
            long fencingToken,
            int leaseSeconds,
            Instant leaseExpiresAt,
            String workerId) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Report(boolean accepted, String result, String reason, String message, String id) {}

    record Invalid(String error, String message, List<FieldViolation> violations) {}

    private final JobStore store;
    private final Clock clock;
    private final tools.jackson.databind.ObjectMapper json;

    JobController(JobStore store, Clock clock, tools.jackson.databind.ObjectMapper json) {
        this.store = store;
        this.clock = clock;
        this.json = json;
    }

    @PostMapping("/api/queues/{queue}/jobs")
    ResponseEntity<?> enqueue(@PathVariable("queue") String queue, @RequestBody JsonNode body) {
        var jobId = body.path("jobId").isString()
                ? body.path("jobId").asString()
                : body.path("requestId").asString(UUID.randomUUID().toString());
        var name = body.path("name").asString(null);
        var violations = new ArrayList<>(JobRules.checkQueue(queue));
        violations.addAll(JobRules.checkJobId(jobId));
        violations.addAll(JobRules.checkPrintable("name", name, true));
        if (!violations.isEmpty()) {
            return invalid(violations);
        }
        var payload = body.has("payload") ? json.writeValueAsString(body.get("payload")) : null;
        boolean created = store.enqueue(
                queue,
                jobId,
                name,
                payload,
                body.path("priority").asInt(0),
                body.path("maxAttempts").asInt(JobRules.DEFAULT_MAX_ATTEMPTS),
                body.path("leaseSeconds").asInt(JobRules.DEFAULT_LEASE_SECONDS),
                now());
        var id = queue + ":" + jobId;
        return ResponseEntity.status(created ? HttpStatus.CREATED : HttpStatus.OK)
                .body(new Enqueued(
                        created,
                        id,
                        queue,
                        jobId,
                        created ? "waiting" : null,
                        created ? "Enqueued " + id : id + " is already in the queue"));
    }

    @PostMapping("/api/queues/{queue}/claim-next")
    ResponseEntity<?> claimNext(@PathVariable("queue") String queue, @RequestBody JsonNode body)
            throws InterruptedException {
        var workerId = body.path("workerId").asString(null);
        var violations = new ArrayList<>(JobRules.checkQueue(queue));
        violations.addAll(JobRules.checkWorkerId(workerId));
        if (!violations.isEmpty()) {
            return invalid(violations);
        }
        long deadline = System.nanoTime()
                + Math.min(body.path("waitSeconds").asLong(0), JobRules.WAIT_MAX_SECONDS) * 1_000_000_000L;
        while (true) {
            var claimed = store.claimNext(queue, workerId, now());
            if (claimed.isPresent()) {
                var job = claimed.get();
                return ResponseEntity.ok(new ClaimedReply(
                        queue + ":" + job.jobId(),
                        queue,
                        job.jobId(),
                        job.name(),
                        job.payload() == null ? null : json.readTree(job.payload()),
                        job.attempt(),
                        job.maxAttempts(),
                        job.fencingToken(),
                        job.leaseSeconds(),
                        job.leaseExpiresAt(),
                        workerId));
            }
            if (System.nanoTime() >= deadline) {
                return ResponseEntity.noContent().build();
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    @PostMapping("/api/jobs/{id}/complete")
    ResponseEntity<?> complete(@PathVariable("id") String id, @RequestBody JsonNode body) {
        int colon = id.indexOf(':');
        if (colon <= 0
                || !body.path("fencingToken").isIntegralNumber()
                || !body.path("workerId").isString()) {
            return invalid(List.of(new FieldViolation(
                    "body", "required", "Name the job as <queue>:<jobId> and send" + " workerId and fencingToken")));
        }
        var result = body.has("result") ? json.writeValueAsString(body.get("result")) : null;
        boolean done = store.complete(
                id.substring(0, colon),
                id.substring(colon + 1),
                body.path("workerId").asString(),
                body.path("fencingToken").asLong(),
                result,
                now());
        return done
                ? ResponseEntity.ok(new Report(true, "succeeded", null, "Recorded that " + id + " succeeded", id))
                : ResponseEntity.status(HttpStatus.CONFLICT)
                        .body(new Report(false, "refused", "stale_token", "The token does not hold " + id, id));
    }

    private Instant now() {
        return Instant.now(clock).truncatedTo(ChronoUnit.MICROS);
    }

    private static ResponseEntity<?> invalid(List<FieldViolation> violations) {
        return ResponseEntity.badRequest()
                .body(new Invalid(
                        "invalid_request",
                        String.join(
                                "; ",
                                violations.stream().map(FieldViolation::message).toList()),
                        violations));
    }
}
