package dev.turnstile.projections.web;

import dev.turnstile.contracts.claim.ClaimRules;
import dev.turnstile.contracts.claim.FieldViolation;
import dev.turnstile.projections.query.ActivityQueries;
import dev.turnstile.projections.query.Attempt;
import dev.turnstile.projections.query.AttemptFilter;
import dev.turnstile.projections.query.InvalidQueryException;
import dev.turnstile.projections.query.Lease;
import dev.turnstile.projections.query.LeaseState;
import dev.turnstile.projections.query.Result;
import dev.turnstile.projections.query.TimelineBucket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The activity read model as JSON over HTTP, for tools other than the dashboard. Documented in the README. */
@RestController
class ActivityController {

    private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]+");
    private static final int SHA_MAX_LENGTH = ClaimRules.GIT_SHA_MAX_LENGTH;
    /** Shortest prefix accepted by {@code /api/attempts/by-sha/{gitSha}}. */
    static final int BY_SHA_MIN_LENGTH = 4;

    private final ActivityQueries queries;
    private final Clock clock;

    ActivityController(ActivityQueries queries, Clock clock) {
        this.queries = queries;
        this.clock = clock;
    }

    record StatsAnswer(
            long totalAttempts,
            long attemptsLast24h,
            long duplicatesBlocked,
            long duplicatesBlockedLast24h,
            double blockRatePercent,
            int activeProjects,
            List<ProjectCount> byProject,
            List<TaskCount> byTask,
            String asOf,
            boolean ready) {}

    record ProjectCount(String project, long total, long blocked) {}

    record TaskCount(String task, long total, long blocked) {}

    record AttemptsAnswer(List<Attempt> attempts, String nextCursor) {}

    record ShaAnswer(String gitSha, List<Attempt> attempts) {}

    record BucketAnswer(String start, long attempts, long blocked) {}

    record TimelineAnswer(String from, String to, String bucket, List<BucketAnswer> buckets) {}

    /** The gateway's error shape. */
    record ErrorAnswer(String error, String message, List<FieldViolation> violations) {}

    @GetMapping("/api/stats")
    StatsAnswer stats() {
        var stats = queries.stats();
        return new StatsAnswer(
                stats.totalAttempts(),
                stats.attemptsLast24h(),
                stats.duplicatesBlocked(),
                stats.duplicatesBlockedLast24h(),
                Math.round(stats.blockRatePercent() * 10) / 10.0,
                stats.activeProjects(),
                stats.byProject().stream()
                        .map(b -> new ProjectCount(b.label(), b.total(), b.blocked()))
                        .toList(),
                stats.byTask().stream()
                        .map(b -> new TaskCount(b.label(), b.total(), b.blocked()))
                        .toList(),
                stats.asOf().toString(),
                queries.ready());
    }

    @GetMapping("/api/attempts")
    ResponseEntity<?> attempts(
            @RequestParam(name = "project", required = false) String project,
            @RequestParam(name = "task", required = false) String task,
            @RequestParam(name = "result", required = false) String result,
            @RequestParam(name = "sha", required = false) String sha,
            @RequestParam(name = "cursor", required = false) String cursor,
            @RequestParam(name = "limit", required = false) String limit) {
        var violations = new ArrayList<FieldViolation>();
        if (present(project)) {
            violations.addAll(ClaimRules.checkName("project", project.strip()));
        }
        if (present(task)) {
            violations.addAll(ClaimRules.checkName("task", task.strip()));
        }
        Result wanted = null;
        if (present(result)) {
            try {
                wanted = Result.parse(result);
            } catch (InvalidQueryException e) {
                violations.add(e.violation());
            }
        }
        if (present(sha) && !isHex(sha.strip(), 1)) {
            violations.add(new FieldViolation(
                    "sha",
                    "pattern",
                    "sha must be 1 to " + SHA_MAX_LENGTH
                            + " hexadecimal characters (the start of a git SHA, e.g. 3f9c2ab); got \"" + sha + "\""));
        }
        int size = parseLimit(limit, violations);
        if (!violations.isEmpty()) {
            return badRequest(violations);
        }
        try {
            var page = queries.recentAttempts(new AttemptFilter(project, task, wanted, sha), cursor, size);
            return ResponseEntity.ok(new AttemptsAnswer(page.items(), page.nextCursor()));
        } catch (InvalidQueryException e) {
            return badRequest(List.of(e.violation()));
        }
    }

    @GetMapping("/api/attempts/by-sha/{gitSha}")
    ResponseEntity<?> bySha(@PathVariable("gitSha") String gitSha) {
        if (!isHex(gitSha, BY_SHA_MIN_LENGTH)) {
            return badRequest(List.of(new FieldViolation(
                    "gitSha",
                    "pattern",
                    "gitSha must be " + BY_SHA_MIN_LENGTH
                            + " to " + SHA_MAX_LENGTH + " hexadecimal characters (a git SHA or the start of one, e.g."
                            + " 3f9c2ab); got \"" + gitSha + "\"")));
        }
        try {
            var attempts = queries.attemptsForSha(gitSha);
            var matched = attempts.isEmpty()
                    ? gitSha.toLowerCase(java.util.Locale.ROOT)
                    : attempts.getFirst().gitSha();
            return ResponseEntity.ok(new ShaAnswer(matched, attempts));
        } catch (InvalidQueryException e) {
            return badRequest(List.of(e.violation()));
        }
    }

    record LeasesAnswer(String state, List<Lease> leases) {}

    /** The latest lease of each task key in one state: {@code active} (default), expired, released or completed. */
    @GetMapping("/api/leases")
    ResponseEntity<?> leases(
            @RequestParam(name = "state", required = false) String state,
            @RequestParam(name = "limit", required = false) String limit) {
        var violations = new ArrayList<FieldViolation>();
        LeaseState parsed = LeaseState.ACTIVE;
        if (state != null) {
            try {
                parsed = LeaseState.parse(state);
            } catch (InvalidQueryException e) {
                violations.add(e.violation());
            }
        }
        int size = parseLimit(limit, violations);
        if (!violations.isEmpty()) {
            return badRequest(violations);
        }
        return ResponseEntity.ok(new LeasesAnswer(parsed.label(), queries.leases(parsed, size)));
    }

    @GetMapping("/api/timeline")
    ResponseEntity<?> timeline(
            @RequestParam(name = "from", required = false) String from,
            @RequestParam(name = "to", required = false) String to,
            @RequestParam(name = "bucket", required = false) String bucket) {
        var violations = new ArrayList<FieldViolation>();
        var end = present(to) ? parseInstant("to", to, violations) : clock.instant();
        var size = present(bucket) ? parseDuration(bucket, violations) : Duration.ofHours(1);
        Instant start = null;
        if (present(from)) {
            start = parseInstant("from", from, violations);
        } else if (end != null) {
            start = end.minus(Duration.ofHours(24));
        }
        if (!violations.isEmpty()) {
            return badRequest(violations);
        }
        try {
            var buckets = queries.timeline(start, end, size);
            return ResponseEntity.ok(new TimelineAnswer(
                    start.toString(),
                    end.toString(),
                    size.toString(),
                    buckets.stream().map(ActivityController::answer).toList()));
        } catch (InvalidQueryException e) {
            return badRequest(List.of(e.violation()));
        }
    }

    private static int parseLimit(String limit, List<FieldViolation> violations) {
        if (!present(limit)) {
            return ActivityQueries.DEFAULT_PAGE_SIZE;
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
                        + ActivityQueries.MAX_PAGE_SIZE + " (larger values are lowered to "
                        + ActivityQueries.MAX_PAGE_SIZE
                        + "); got \"" + limit + "\""));
        return 0;
    }

    private static Instant parseInstant(String field, String value, List<FieldViolation> violations) {
        try {
            return Instant.parse(value.strip());
        } catch (DateTimeParseException e) {
            violations.add(new FieldViolation(
                    field,
                    "format",
                    field + " must be an ISO-8601 instant such as 2026-11-23T10:00:00Z; got \"" + value + "\""));
            return null;
        }
    }

    private static Duration parseDuration(String value, List<FieldViolation> violations) {
        try {
            return Duration.parse(value.strip());
        } catch (DateTimeParseException e) {
            violations.add(new FieldViolation(
                    "bucket",
                    "format",
                    "bucket must be an ISO-8601 duration of whole minutes such as PT5M, PT1H or P1D; got \"" + value
                            + "\""));
            return null;
        }
    }

    private static boolean isHex(String value, int minLength) {
        return value.length() >= minLength
                && value.length() <= SHA_MAX_LENGTH
                && HEX.matcher(value).matches();
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }

    private static ResponseEntity<ErrorAnswer> badRequest(List<FieldViolation> violations) {
        var message = String.join(
                "; ", violations.stream().map(FieldViolation::message).toList());
        return ResponseEntity.badRequest().body(new ErrorAnswer("invalid_request", message, violations));
    }

    private static BucketAnswer answer(TimelineBucket bucket) {
        return new BucketAnswer(bucket.start().toString(), bucket.attempts(), bucket.blocked());
    }
}
