package dev.turnstile.gateway.jobs;

import static dev.turnstile.gateway.jobs.JobFields.Field.any;
import static dev.turnstile.gateway.jobs.JobFields.Field.bool;
import static dev.turnstile.gateway.jobs.JobFields.Field.object;
import static dev.turnstile.gateway.jobs.JobFields.Field.string;
import static dev.turnstile.gateway.jobs.JobFields.Field.strings;
import static dev.turnstile.gateway.jobs.JobFields.Field.wholeNumber;

import dev.turnstile.contracts.claim.ClaimRules;
import dev.turnstile.contracts.claim.FieldViolation;
import dev.turnstile.contracts.job.AppendJobLogs;
import dev.turnstile.contracts.job.AttachJobArtifact;
import dev.turnstile.contracts.job.Backoff;
import dev.turnstile.contracts.job.BackoffKind;
import dev.turnstile.contracts.job.ClaimNextJob;
import dev.turnstile.contracts.job.CompleteJob;
import dev.turnstile.contracts.job.EnqueueJob;
import dev.turnstile.contracts.job.FailJob;
import dev.turnstile.contracts.job.HeartbeatJob;
import dev.turnstile.contracts.job.JobCommandHeader;
import dev.turnstile.contracts.job.JobRef;
import dev.turnstile.contracts.job.JobRequest;
import dev.turnstile.contracts.job.JobRules;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

/**
 * Turns the path and body of a job request into the command the gateway appends, or into violations that name each
 * field and rule (nothing is written then). The limits are the contracts' ({@link JobRules}), so the gateway and the
 * event language never drift apart.
 */
final class JobRequestParser {

    private static final Pattern JOB_ID_START = Pattern.compile("[A-Za-z0-9].*");

    /**
     * A request that passed every rule, short of its id and time, which the gateway stamps.
     *
     * @param requestId the client's request id; null when the gateway makes one
     * @param command the command, given the request id and the time the gateway received it
     */
    record Valid<C extends JobRequest<?>>(String requestId, BiFunction<String, Instant, C> command) {}

    /** Either a valid request or the reasons it is not one. */
    record Parsed<C extends JobRequest<?>>(Valid<C> valid, List<FieldViolation> violations) {

        boolean isValid() {
            return valid != null;
        }

        static <C extends JobRequest<?>> Parsed<C> invalid(List<FieldViolation> violations) {
            return new Parsed<>(null, List.copyOf(violations));
        }
    }

    private static final JobFields ENQUEUE = new JobFields(
            List.of(
                    string("jobId"),
                    string("name"),
                    any("payload"),
                    wholeNumber("priority"),
                    string("runAt"),
                    wholeNumber("delaySeconds"),
                    wholeNumber("maxAttempts"),
                    object("backoff", string("kind"), wholeNumber("baseSeconds"), wholeNumber("capSeconds")),
                    wholeNumber("leaseSeconds"),
                    string("dedupKey"),
                    string("requestId")),
            "{\"name\":\"send-welcome\",\"payload\":{\"to\":\"ada@example.com\"}}");

    private static final JobFields CLAIM_NEXT = new JobFields(
            List.of(string("workerId"), wholeNumber("waitSeconds"), string("requestId")),
            "{\"workerId\":\"worker-1\",\"waitSeconds\":20}");

    private static final JobFields HEARTBEAT = new JobFields(
            List.of(
                    string("workerId"),
                    wholeNumber("fencingToken"),
                    wholeNumber("progress"),
                    string("message"),
                    string("requestId")),
            "{\"workerId\":\"worker-1\",\"fencingToken\":7,\"progress\":40}");

    private static final JobFields COMPLETE = new JobFields(
            List.of(string("workerId"), wholeNumber("fencingToken"), any("result"), string("requestId")),
            "{\"workerId\":\"worker-1\",\"fencingToken\":7,\"result\":{\"sent\":true}}");

    private static final JobFields FAIL = new JobFields(
            List.of(
                    string("workerId"),
                    wholeNumber("fencingToken"),
                    string("error"),
                    bool("retryable"),
                    string("requestId")),
            "{\"workerId\":\"worker-1\",\"fencingToken\":7,\"error\":\"SMTP timeout\",\"retryable\":true}");

    private static final JobFields LOGS = new JobFields(
            List.of(string("workerId"), wholeNumber("fencingToken"), strings("lines"), string("requestId")),
            "{\"workerId\":\"worker-1\",\"fencingToken\":7,\"lines\":[\"connected\"]}");

    private static final JobFields ARTIFACT = new JobFields(
            List.of(
                    string("workerId"),
                    wholeNumber("fencingToken"),
                    string("name"),
                    string("uri"),
                    wholeNumber("bytes"),
                    string("sha256"),
                    string("contentType"),
                    string("requestId")),
            "{\"workerId\":\"worker-1\",\"fencingToken\":7,\"name\":\"report\",\"uri\":\"s3://b/r.html\",\"bytes\":1024,"
                    + "\"sha256\":\"<64 hex>\",\"contentType\":\"text/html\"}");

    Parsed<EnqueueJob> enqueue(String queue, byte[] body) {
        var read = ENQUEUE.read(body);
        var violations = start(queue, read);
        if (read.fatal()) {
            return Parsed.invalid(violations);
        }
        var jobId = read.string("jobId");
        if (jobId != null && !read.broken("jobId")) {
            violations.addAll(JobRules.checkJobId(jobId));
        }
        check(read, "name", violations, JobRules.checkPrintable("name", read.string("name"), true));
        check(read, "payload", violations, JobRules.checkJsonSize("payload", read.json("payload")));
        var priority = read.wholeNumber("priority");
        if (priority != null) {
            violations.addAll(JobRules.checkRange("priority", priority, JobRules.PRIORITY_MIN, JobRules.PRIORITY_MAX));
        }
        Instant runAt = null;
        if (read.has("runAt")) {
            try {
                runAt = Instant.parse(read.string("runAt"));
            } catch (DateTimeParseException e) {
                violations.add(new FieldViolation(
                        "runAt",
                        "format",
                        "runAt must be an ISO-8601 instant such as" + " 2026-11-23T10:30:00Z; got \""
                                + cut(read.string("runAt")) + "\""));
            }
        }
        var delay = read.wholeNumber("delaySeconds");
        if (delay != null) {
            violations.addAll(JobRules.checkRange("delaySeconds", delay, 0, JobRules.DELAY_MAX_SECONDS));
            if (read.has("runAt")) {
                violations.add(new FieldViolation(
                        "delaySeconds",
                        "exclusive",
                        "Give runAt or delaySeconds, not both: when the job may first run"));
            }
        }
        var maxAttempts = read.wholeNumber("maxAttempts");
        if (maxAttempts != null) {
            violations.addAll(JobRules.checkRange("maxAttempts", maxAttempts, 1, JobRules.MAX_ATTEMPTS_LIMIT));
        }
        var leaseSeconds = read.wholeNumber("leaseSeconds");
        if (leaseSeconds != null) {
            violations.addAll(JobRules.checkRange("leaseSeconds", leaseSeconds, 1, JobRules.LEASE_MAX_SECONDS));
        }
        check(read, "dedupKey", violations, JobRules.checkPrintable("dedupKey", read.string("dedupKey"), false));
        var backoff = backoff(read, violations);
        if (!violations.isEmpty()) {
            return Parsed.invalid(violations);
        }
        var when = runAt;
        return valid(
                read,
                (requestId, now) -> new EnqueueJob(
                        JobCommandHeader.of(queue, requestId),
                        jobId != null ? jobId : jobIdFor(requestId),
                        read.string("name"),
                        read.json("payload"),
                        priority == null ? 0 : Math.toIntExact(priority),
                        when,
                        delay,
                        maxAttempts == null ? 0 : Math.toIntExact(maxAttempts),
                        backoff,
                        leaseSeconds == null ? 0 : Math.toIntExact(leaseSeconds),
                        read.string("dedupKey"),
                        now));
    }

    Parsed<ClaimNextJob> claimNext(String queue, byte[] body) {
        var read = CLAIM_NEXT.read(body);
        var violations = start(queue, read);
        if (read.fatal()) {
            return Parsed.invalid(violations);
        }
        check(read, "workerId", violations, JobRules.checkWorkerId(read.string("workerId")));
        var wait = read.wholeNumber("waitSeconds");
        if (wait != null) {
            violations.addAll(JobRules.checkRange("waitSeconds", wait, 0, JobRules.WAIT_MAX_SECONDS));
        }
        if (!violations.isEmpty()) {
            return Parsed.invalid(violations);
        }
        return valid(
                read,
                (requestId, now) -> ClaimNextJob.of(
                        queue, requestId, read.string("workerId"), wait == null ? 0 : Math.toIntExact(wait), now));
    }

    Parsed<HeartbeatJob> heartbeat(String id, byte[] body) {
        return worker(id, HEARTBEAT, body, (job, read, violations) -> {
            var progress = read.wholeNumber("progress");
            if (progress != null) {
                violations.addAll(JobRules.checkRange("progress", progress, 0, 100));
            }
            check(
                    read,
                    "message",
                    violations,
                    JobRules.checkLength("message", read.string("message"), JobRules.MESSAGE_MAX_LENGTH, false));
            return (requestId, now) -> new HeartbeatJob(
                    JobCommandHeader.of(job.queue(), requestId),
                    job.jobId(),
                    read.string("workerId"),
                    read.wholeNumber("fencingToken"),
                    progress == null ? null : Math.toIntExact(progress),
                    read.string("message"),
                    now);
        });
    }

    Parsed<CompleteJob> complete(String id, byte[] body) {
        return worker(id, COMPLETE, body, (job, read, violations) -> {
            check(read, "result", violations, JobRules.checkJsonSize("result", read.json("result")));
            return (requestId, now) -> new CompleteJob(
                    JobCommandHeader.of(job.queue(), requestId),
                    job.jobId(),
                    read.string("workerId"),
                    read.wholeNumber("fencingToken"),
                    read.json("result"),
                    now);
        });
    }

    Parsed<FailJob> fail(String id, byte[] body) {
        return worker(id, FAIL, body, (job, read, violations) -> {
            check(
                    read,
                    "error",
                    violations,
                    JobRules.checkLength("error", read.string("error"), JobRules.ERROR_MAX_LENGTH, true));
            return (requestId, now) -> new FailJob(
                    JobCommandHeader.of(job.queue(), requestId),
                    job.jobId(),
                    read.string("workerId"),
                    read.wholeNumber("fencingToken"),
                    read.string("error"),
                    !Boolean.FALSE.equals(read.bool("retryable")),
                    now);
        });
    }

    Parsed<AppendJobLogs> logs(String id, byte[] body) {
        return worker(id, LOGS, body, (job, read, violations) -> {
            check(read, "lines", violations, JobRules.checkLogLines(read.strings("lines")));
            return (requestId, now) -> new AppendJobLogs(
                    JobCommandHeader.of(job.queue(), requestId),
                    job.jobId(),
                    read.string("workerId"),
                    read.wholeNumber("fencingToken"),
                    read.strings("lines"),
                    now);
        });
    }

    Parsed<AttachJobArtifact> artifact(String id, byte[] body) {
        return worker(id, ARTIFACT, body, (job, read, violations) -> {
            check(read, "name", violations, JobRules.checkPrintable("name", read.string("name"), true));
            check(
                    read,
                    "uri",
                    violations,
                    JobRules.checkLength("uri", read.string("uri"), JobRules.URI_MAX_LENGTH, true));
            var bytes = read.wholeNumber("bytes");
            if (bytes == null && !read.broken("bytes")) {
                violations.add(new FieldViolation("bytes", "required", "bytes is required: the artifact's size"));
            } else if (bytes != null) {
                violations.addAll(JobRules.checkRange("bytes", bytes, 0, Long.MAX_VALUE));
            }
            check(read, "sha256", violations, JobRules.checkSha256(read.string("sha256")));
            check(
                    read,
                    "contentType",
                    violations,
                    JobRules.checkPrintable("contentType", read.string("contentType"), true));
            return (requestId, now) -> new AttachJobArtifact(
                    JobCommandHeader.of(job.queue(), requestId),
                    job.jobId(),
                    read.string("workerId"),
                    read.wholeNumber("fencingToken"),
                    read.string("name"),
                    read.string("uri"),
                    bytes == null ? 0 : bytes,
                    read.string("sha256"),
                    read.string("contentType"),
                    now);
        });
    }

    /** The rules of what only the worker of an attempt may ask, then the endpoint's own. */
    @FunctionalInterface
    private interface WorkerRules<C extends JobRequest<?>> {
        BiFunction<String, Instant, C> check(JobRef job, JobFields.Values read, List<FieldViolation> violations);
    }

    private static <C extends JobRequest<?>> Parsed<C> worker(
            String id, JobFields fields, byte[] body, WorkerRules<C> rules) {
        var ref = JobRef.parse("jobId", id);
        var read = fields.read(body);
        var violations = new ArrayList<>(ref.violations());
        violations.addAll(read.violations());
        if (read.fatal()) {
            return Parsed.invalid(violations);
        }
        check(read, "workerId", violations, JobRules.checkWorkerId(read.string("workerId")));
        var token = read.wholeNumber("fencingToken");
        if (token == null && !read.broken("fencingToken")) {
            violations.add(new FieldViolation(
                    "fencingToken",
                    "required",
                    "fencingToken is required: the token of the"
                            + " attempt this worker was granted (claim-next answered it)"));
        } else if (token != null) {
            violations.addAll(JobRules.checkRange("fencingToken", token, 1, Long.MAX_VALUE));
        }
        check(read, "requestId", violations, ClaimRules.checkRequestId(read.string("requestId")));
        var command = rules.check(ref.isValid() ? ref.ref() : new JobRef("-", "-"), read, violations);
        if (!violations.isEmpty()) {
            return Parsed.invalid(violations);
        }
        return new Parsed<>(new Valid<>(read.string("requestId"), command), List.of());
    }

    /** The violations of the path's queue and of reading the body, and the request id's rule. */
    private static List<FieldViolation> start(String queue, JobFields.Values read) {
        var violations = new ArrayList<>(JobRules.checkQueue(queue));
        violations.addAll(read.violations());
        if (!read.fatal()) {
            check(read, "requestId", violations, ClaimRules.checkRequestId(read.string("requestId")));
        }
        return violations;
    }

    private static <C extends JobRequest<?>> Parsed<C> valid(
            JobFields.Values read, BiFunction<String, Instant, C> command) {
        return new Parsed<>(new Valid<>(read.string("requestId"), command), List.of());
    }

    /** Adds a rule's violations unless the field was already reported (a wrong type, say). */
    private static void check(
            JobFields.Values read, String field, List<FieldViolation> violations, List<FieldViolation> rule) {
        if (!read.broken(field)) {
            violations.addAll(rule);
        }
    }

    private static Backoff backoff(JobFields.Values read, List<FieldViolation> violations) {
        if (!read.has("backoff")) {
            return null;
        }
        BackoffKind kind = null;
        var kindName = read.string("backoff.kind");
        if (kindName != null) {
            kind = Arrays.stream(BackoffKind.values())
                    .filter(k -> k.wireName().equals(kindName))
                    .findFirst()
                    .orElse(null);
            if (kind == null) {
                violations.add(new FieldViolation(
                        "backoff.kind",
                        "enum",
                        "backoff.kind must be \"fixed\" or \"exponential\"; got \"" + cut(kindName) + "\""));
            }
        }
        var base = read.wholeNumber("backoff.baseSeconds");
        if (base == null && !read.broken("backoff.baseSeconds")) {
            violations.add(new FieldViolation(
                    "backoff.baseSeconds",
                    "required",
                    "backoff.baseSeconds is required: the wait after the first failed attempt"));
            return null;
        }
        var cap = read.wholeNumber("backoff.capSeconds");
        if (base == null) {
            return null;
        }
        violations.addAll(JobRules.checkRange("backoff.baseSeconds", base, 0, Backoff.MAX_BASE_SECONDS));
        if (cap != null) {
            violations.addAll(
                    JobRules.checkRange("backoff.capSeconds", cap, Math.max(1, base), Backoff.MAX_CAP_SECONDS));
        }
        if (!violations.isEmpty()) {
            return null;
        }
        return new Backoff(kind, base, cap == null ? 0 : cap);
    }

    /**
     * The job id the gateway gives a job enqueued without one: its request id, so that a retried enqueue (same request
     * id) names the same job.
     */
    static String jobIdFor(String requestId) {
        return JOB_ID_START.matcher(requestId).matches() ? requestId : "job-" + requestId;
    }

    private static String cut(String value) {
        return value.length() > 60 ? value.substring(0, 60) + "…" : value;
    }
}
