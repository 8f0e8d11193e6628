package dev.turnstile.projections.jobs.web;

import dev.turnstile.contracts.claim.ClaimRules;
import dev.turnstile.contracts.claim.FieldViolation;
import dev.turnstile.contracts.job.JobRef;
import dev.turnstile.contracts.job.JobRules;
import dev.turnstile.contracts.job.JobState;
import dev.turnstile.projections.jobs.JobOperations;
import dev.turnstile.projections.jobs.JobQueries;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.node.ObjectNode;

/**
 * What operators do over HTTP: cancel, retry and delete a job; pause, resume, configure and clean a queue. Needs a
 * signed-in user with the OPERATOR role. Each waits for its answer on the request's (virtual) thread. Documented in
 * the README.
 */
@RestController
class JobOperatorController {

    private static final Set<String> REQUEST_ID_ONLY = Set.of("requestId");
    private static final Set<String> SETTINGS_FIELDS = Set.of("concurrency", "requestId");
    private static final Set<String> CLEAN_FIELDS = Set.of("states", "olderThanSeconds");

    private final JobOperations operations;
    private final JobQueries queries;

    JobOperatorController(JobOperations operations, JobQueries queries) {
        this.operations = operations;
        this.queries = queries;
    }

    @PostMapping("/api/jobs/{jobId}/cancel")
    ResponseEntity<?> cancel(@PathVariable("jobId") String id, HttpServletRequest request) throws IOException {
        return onJob(
                id,
                request,
                (job, user, requestId) -> OperatorReplies.answer(
                        operations.cancel(job, user, requestId).join(), OperatorReplies::cancelled));
    }

    @PostMapping("/api/jobs/{jobId}/retry")
    ResponseEntity<?> retry(@PathVariable("jobId") String id, HttpServletRequest request) throws IOException {
        return onJob(
                id,
                request,
                (job, user, requestId) -> OperatorReplies.answer(
                        operations.retry(job, user, requestId).join(), OperatorReplies::retried));
    }

    /** No body: the request id of a retry, if any, is a query parameter. */
    @DeleteMapping("/api/jobs/{jobId}")
    ResponseEntity<?> delete(
            @PathVariable("jobId") String id,
            @RequestParam(name = "requestId", required = false) String requestId,
            HttpServletRequest request) {
        var ref = JobPaths.job(id);
        var violations = new ArrayList<FieldViolation>(ref.violations());
        violations.addAll(ClaimRules.checkRequestId(requestId));
        if (!violations.isEmpty()) {
            return ApiError.badRequest(violations);
        }
        return OperatorReplies.answer(
                operations.delete(ref.ref(), user(request), requestId).join(), OperatorReplies::deleted);
    }

    @PostMapping("/api/queues/{queue}/pause")
    ResponseEntity<?> pause(@PathVariable("queue") String queue, HttpServletRequest request) throws IOException {
        return onQueue(
                queue,
                request,
                (user, requestId) -> OperatorReplies.answer(
                        operations.pause(queue, user, requestId).join(), OperatorReplies::paused));
    }

    @PostMapping("/api/queues/{queue}/resume")
    ResponseEntity<?> resume(@PathVariable("queue") String queue, HttpServletRequest request) throws IOException {
        return onQueue(
                queue,
                request,
                (user, requestId) -> OperatorReplies.answer(
                        operations.resume(queue, user, requestId).join(), OperatorReplies::resumed));
    }

    /** {@code {"concurrency": 5}}, or {@code {"concurrency": null}} for no limit. */
    @PutMapping("/api/queues/{queue}/settings")
    ResponseEntity<?> settings(@PathVariable("queue") String queue, HttpServletRequest request) throws IOException {
        if (!JsonBody.isJson(request)) {
            return ApiError.unsupportedMediaType(request.getContentType());
        }
        var read = JsonBody.read(request, SETTINGS_FIELDS, "{\"concurrency\":5}");
        var violations = new ArrayList<FieldViolation>(JobPaths.checkQueue(queue));
        violations.addAll(read.violations());
        Integer concurrency = null;
        String requestId = null;
        if (read.fields() != null) {
            if (!read.fields().has("concurrency")) {
                violations.add(new FieldViolation(
                        "concurrency",
                        "required",
                        "concurrency is required: the most jobs" + " of the queue active at once (1 to "
                                + JobRules.CONCURRENCY_MAX + "), or null for no limit"));
            }
            var given = JsonBody.wholeNumber(read.fields(), "concurrency", violations);
            if (given != null) {
                var range = JobRules.checkRange("concurrency", given, 1, JobRules.CONCURRENCY_MAX);
                violations.addAll(range);
                concurrency = range.isEmpty() ? Math.toIntExact(given) : null;
            }
            requestId = requestId(read.fields(), violations);
        }
        if (!violations.isEmpty()) {
            return ApiError.badRequest(violations);
        }
        return OperatorReplies.answer(
                operations
                        .configure(queue, concurrency, user(request), requestId)
                        .join(),
                OperatorReplies::configured);
    }

    record CleanAnswer(String queue, List<String> states, String finishedBefore, long removed, String message) {}

    /**
     * {@code {"states": ["succeeded", "dead"], "olderThanSeconds": 3600}}: drops finished jobs from the read model only
     * (the log keeps them), at once.
     */
    @PostMapping("/api/queues/{queue}/clean")
    ResponseEntity<?> clean(@PathVariable("queue") String queue, HttpServletRequest request) throws IOException {
        if (!JsonBody.isJson(request)) {
            return ApiError.unsupportedMediaType(request.getContentType());
        }
        var read = JsonBody.read(request, CLEAN_FIELDS, "{\"states\":[\"succeeded\"],\"olderThanSeconds\":3600}");
        var violations = new ArrayList<FieldViolation>(JobPaths.checkQueue(queue));
        violations.addAll(read.violations());
        var states = EnumSet.noneOf(JobState.class);
        long olderThan = 0;
        if (read.fields() != null) {
            states = finishedStates(read.fields(), violations);
            var given = JsonBody.wholeNumber(read.fields(), "olderThanSeconds", violations);
            if (given != null) {
                violations.addAll(JobRules.checkRange("olderThanSeconds", given, 0, JobRules.DELAY_MAX_SECONDS * 10));
                olderThan = given;
            }
        }
        if (!violations.isEmpty()) {
            return ApiError.badRequest(violations);
        }
        var result = queries.clean(queue, states, Duration.ofSeconds(olderThan));
        var names = result.states().stream().map(JobState::wireName).sorted().toList();
        return ResponseEntity.ok(new CleanAnswer(
                queue,
                names,
                result.finishedBefore().toString(),
                result.removed(),
                "Dropped " + result.removed() + " " + String.join("/", names) + " jobs of queue " + queue
                        + " that finished before " + result.finishedBefore() + " from the read model; the job-events"
                        + " topic keeps them (a rebuild brings them back)"));
    }

    /** {@code states}: a non-empty array of finished states (succeeded, dead, cancelled). */
    private static EnumSet<JobState> finishedStates(ObjectNode fields, List<FieldViolation> violations) {
        var states = EnumSet.noneOf(JobState.class);
        var node = fields.get("states");
        var allowed = "an array of one or more of succeeded, dead, cancelled (finished jobs only)";
        if (node == null || node.isNull()) {
            violations.add(new FieldViolation("states", "required", "states is required: " + allowed));
            return states;
        }
        if (!node.isArray() || node.isEmpty()) {
            violations.add(new FieldViolation(
                    "states", "type", "states must be " + allowed + "; got " + JsonBody.describe(node)));
            return states;
        }
        for (var element : node) {
            var state = element.isString()
                    ? Arrays.stream(JobState.values())
                            .filter(s -> s.wireName().equals(element.asString()))
                            .findFirst()
                    : Optional.<JobState>empty();
            if (state.isEmpty() || !state.get().finished()) {
                violations.add(new FieldViolation(
                        "states",
                        "enum",
                        "states must be " + allowed + "; got "
                                + (element.isString()
                                        ? "\"" + element.asString() + "\""
                                        : JsonBody.describe(element))));
                return states;
            }
            states.add(state.get());
        }
        return states;
    }

    @FunctionalInterface
    private interface JobOperation {
        ResponseEntity<?> run(JobRef job, String user, String requestId);
    }

    @FunctionalInterface
    private interface QueueOperation {
        ResponseEntity<?> run(String user, String requestId);
    }

    /** A JSON request (an empty body, or {@code {"requestId": …}}) about one job. */
    private ResponseEntity<?> onJob(String id, HttpServletRequest request, JobOperation operation) throws IOException {
        if (!JsonBody.isJson(request)) {
            return ApiError.unsupportedMediaType(request.getContentType());
        }
        var ref = JobPaths.job(id);
        var read = JsonBody.read(request, REQUEST_ID_ONLY, "{\"requestId\":\"…\"} or nothing");
        var violations = new ArrayList<FieldViolation>(ref.violations());
        violations.addAll(read.violations());
        var requestId = read.fields() == null ? null : requestId(read.fields(), violations);
        if (!violations.isEmpty()) {
            return ApiError.badRequest(violations);
        }
        return operation.run(ref.ref(), user(request), requestId);
    }

    /** A JSON request (an empty body, or {@code {"requestId": …}}) about one queue. */
    private ResponseEntity<?> onQueue(String queue, HttpServletRequest request, QueueOperation operation)
            throws IOException {
        if (!JsonBody.isJson(request)) {
            return ApiError.unsupportedMediaType(request.getContentType());
        }
        var read = JsonBody.read(request, REQUEST_ID_ONLY, "{\"requestId\":\"…\"} or nothing");
        var violations = new ArrayList<FieldViolation>(JobPaths.checkQueue(queue));
        violations.addAll(read.violations());
        var requestId = read.fields() == null ? null : requestId(read.fields(), violations);
        if (!violations.isEmpty()) {
            return ApiError.badRequest(violations);
        }
        return operation.run(user(request), requestId);
    }

    private static String requestId(ObjectNode fields, List<FieldViolation> violations) {
        var requestId = JsonBody.string(fields, "requestId", violations);
        violations.addAll(ClaimRules.checkRequestId(requestId));
        return requestId;
    }

    /** Who asked, for the record (the access rules guarantee a signed-in user). */
    private static String user(HttpServletRequest request) {
        var principal = request.getUserPrincipal();
        return principal == null ? null : principal.getName();
    }
}
