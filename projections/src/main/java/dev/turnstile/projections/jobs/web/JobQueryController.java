package dev.turnstile.projections.jobs.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.turnstile.contracts.claim.FieldViolation;
import dev.turnstile.contracts.job.JobRules;
import dev.turnstile.contracts.job.JobState;
import dev.turnstile.projections.jobs.JobDetail;
import dev.turnstile.projections.jobs.JobFilter;
import dev.turnstile.projections.jobs.JobQueries;
import dev.turnstile.projections.jobs.JobSummary;
import dev.turnstile.projections.jobs.StateCounts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The job read model as JSON: queues, a queue's jobs, one job. For signed-in users. Documented in the README. */
@RestController
class JobQueryController {

    private final JobQueries queries;

    JobQueryController(JobQueries queries) {
        this.queries = queries;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record QueueAnswer(
            String queue, StateCounts counts, long total, boolean paused, Integer concurrency, Instant lastEventAt) {}

    record QueuesAnswer(List<QueueAnswer> queues, boolean ready) {}

    record JobsAnswer(String queue, List<JobSummary> jobs, String nextCursor) {}

    @GetMapping("/api/queues")
    QueuesAnswer queues() {
        return new QueuesAnswer(
                queries.queues().stream()
                        .map(q -> new QueueAnswer(
                                q.queue(),
                                q.counts(),
                                q.counts().total(),
                                q.paused(),
                                q.concurrency(),
                                q.lastEventAt()))
                        .toList(),
                queries.ready());
    }

    @GetMapping("/api/queues/{queue}/jobs")
    ResponseEntity<?> jobs(
            @PathVariable("queue") String queue,
            @RequestParam(name = "state", required = false) String state,
            @RequestParam(name = "name", required = false) String name,
            @RequestParam(name = "cursor", required = false) String cursor,
            @RequestParam(name = "limit", required = false) String limit) {
        var violations = new ArrayList<FieldViolation>(JobPaths.checkQueue(queue));
        JobState wanted = null;
        if (present(state)) {
            wanted = Arrays.stream(JobState.values())
                    .filter(each -> each.wireName().equals(state.strip()))
                    .findFirst()
                    .orElse(null);
            if (wanted == null) {
                violations.add(new FieldViolation(
                        "state",
                        "enum",
                        "state must be one of "
                                + String.join(
                                        ", ",
                                        Arrays.stream(JobState.values())
                                                .map(JobState::wireName)
                                                .toList()) + "; got \"" + state + "\""));
            }
        }
        if (present(name)) {
            violations.addAll(JobRules.checkPrintable("name", name.strip(), true));
        }
        int size = parseLimit(limit, violations);
        if (!violations.isEmpty()) {
            return ApiError.badRequest(violations);
        }
        try {
            var page = queries.jobs(queue, new JobFilter(wanted, present(name) ? name.strip() : null), cursor, size);
            return ResponseEntity.ok(new JobsAnswer(queue, page.items(), page.nextCursor()));
        } catch (IllegalArgumentException e) {
            return ApiError.badRequest(List.of(new FieldViolation("cursor", "cursor", e.getMessage())));
        }
    }

    @GetMapping("/api/jobs/{jobId}")
    ResponseEntity<?> job(@PathVariable("jobId") String id) {
        var ref = JobPaths.job(id);
        if (!ref.isValid()) {
            return ApiError.badRequest(ref.violations());
        }
        var job = ref.ref();
        return queries.job(job.queue(), job.jobId())
                .<ResponseEntity<?>>map(JobQueryController::answer)
                .orElseGet(() -> ApiError.status(
                        HttpStatus.NOT_FOUND,
                        "unknown_job",
                        "No job " + job.jobId()
                                + " in queue " + job.queue()
                                + " is in the read model: never enqueued, deleted, cleaned, or"
                                + " not read yet. List the queue's jobs with GET /api/queues/" + job.queue()
                                + "/jobs"));
    }

    private static ResponseEntity<JobDetail> answer(JobDetail detail) {
        return ResponseEntity.ok(detail);
    }

    private static int parseLimit(String limit, List<FieldViolation> violations) {
        if (!present(limit)) {
            return JobQueries.DEFAULT_PAGE_SIZE;
        }
        try {
            int value = Integer.parseInt(limit.strip());
            if (value >= 1) {
                return value;
            }
        } catch (NumberFormatException e) {
            // Reported below.
        }
        violations.add(new FieldViolation(
                "limit",
                "range",
                "limit must be a whole number from 1 to "
                        + JobQueries.MAX_PAGE_SIZE + " (larger values are lowered to " + JobQueries.MAX_PAGE_SIZE
                        + "); got \""
                        + limit + "\""));
        return 0;
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }
}
