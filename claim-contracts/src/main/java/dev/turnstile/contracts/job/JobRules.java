package dev.turnstile.contracts.job;

import dev.turnstile.contracts.claim.ClaimRules;
import dev.turnstile.contracts.claim.FieldViolation;
import dev.turnstile.contracts.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * The input rules of work queues, shared by the gateway (which answers 400 naming each field) and the records of
 * the event language (whose constructors refuse what breaks them). One place, so the limits never drift apart.
 */
public final class JobRules {

    /** Longest job id (the client's, or made by the gateway). */
    public static final int JOB_ID_MAX_LENGTH = 200;

    /** Longest job name, dedup key, artifact name or content type. */
    public static final int NAME_MAX_LENGTH = 200;

    /** Largest payload or result, as UTF-8 JSON. */
    public static final int PAYLOAD_MAX_BYTES = 64 * 1024;

    public static final int PRIORITY_MIN = -1_000_000;
    public static final int PRIORITY_MAX = 1_000_000;

    /** Longest delay: a year. */
    public static final long DELAY_MAX_SECONDS = 366L * 86_400;

    public static final int DEFAULT_MAX_ATTEMPTS = 3;
    public static final int MAX_ATTEMPTS_LIMIT = 100;

    public static final int DEFAULT_LEASE_SECONDS = 30;
    public static final int LEASE_MAX_SECONDS = 3600;

    /** Longest a claim-next may wait for a job. */
    public static final int WAIT_MAX_SECONDS = 30;

    public static final int MESSAGE_MAX_LENGTH = 1000;
    public static final int ERROR_MAX_LENGTH = 8192;

    /** Most lines in one logs request, longest line, and most characters in all its lines. */
    public static final int LOG_LINES_MAX = 1000;

    public static final int LOG_LINE_MAX_LENGTH = 8192;
    public static final int LOG_TOTAL_MAX_LENGTH = 64 * 1024;

    public static final int URI_MAX_LENGTH = 2048;

    public static final int CONCURRENCY_MAX = 10_000;

    /** Letters, digits and {@code . _ : @ / + = -}, starting with a letter or digit; never '|' (a store separator). */
    private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@/+=-]*");

    /** Printable ASCII, no leading or trailing space (names, dedup keys, content types). */
    private static final Pattern PRINTABLE = Pattern.compile("[\\x21-\\x7E]([\\x20-\\x7E]*[\\x21-\\x7E])?");

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private JobRules() {}

    /** A queue is named like a project: the claim name rules. */
    public static List<FieldViolation> checkQueue(String queue) {
        return ClaimRules.checkName("queue", queue);
    }

    public static List<FieldViolation> checkJobId(String jobId) {
        if (jobId == null || jobId.isEmpty()) {
            return List.of(new FieldViolation("jobId", "required", "jobId is required"));
        }
        if (jobId.length() > JOB_ID_MAX_LENGTH || !JOB_ID.matcher(jobId).matches()) {
            return List.of(new FieldViolation(
                    "jobId",
                    "pattern",
                    "jobId must be 1 to " + JOB_ID_MAX_LENGTH
                            + " letters, digits and . _ : @ / + = -, starting with a letter or digit; got "
                            + quote(jobId)));
        }
        return List.of();
    }

    /** Job names, dedup keys, artifact names and content types: 1–200 printable ASCII characters. */
    public static List<FieldViolation> checkPrintable(String field, String value, boolean required) {
        if (value == null) {
            return required ? List.of(new FieldViolation(field, "required", field + " is required")) : List.of();
        }
        if (value.isEmpty()
                || value.length() > NAME_MAX_LENGTH
                || !PRINTABLE.matcher(value).matches()) {
            return List.of(new FieldViolation(
                    field,
                    "pattern",
                    field + " must be 1 to " + NAME_MAX_LENGTH
                            + " printable ASCII characters without surrounding spaces; got " + quote(value)));
        }
        return List.of();
    }

    public static List<FieldViolation> checkRange(String field, long value, long min, long max) {
        if (value < min || value > max) {
            return List.of(
                    new FieldViolation(field, "range", field + " must be " + min + " to " + max + "; got " + value));
        }
        return List.of();
    }

    public static List<FieldViolation> checkLength(String field, String value, int max, boolean required) {
        if (value == null || value.isEmpty()) {
            return required ? List.of(new FieldViolation(field, "required", field + " is required")) : List.of();
        }
        if (value.length() > max) {
            return List.of(new FieldViolation(
                    field, "length", field + " must be at most " + max + " characters; got " + value.length()));
        }
        return List.of();
    }

    /** A payload or result: any JSON value of at most {@link #PAYLOAD_MAX_BYTES} bytes. */
    public static List<FieldViolation> checkJsonSize(String field, JsonNode value) {
        if (value == null) {
            return List.of();
        }
        int bytes = Json.MAPPER.writeValueAsBytes(value).length;
        if (bytes > PAYLOAD_MAX_BYTES) {
            return List.of(new FieldViolation(
                    field, "size", field + " must be at most " + PAYLOAD_MAX_BYTES + " bytes of JSON; got " + bytes));
        }
        return List.of();
    }

    public static List<FieldViolation> checkWorkerId(String workerId) {
        var violations = ClaimRules.checkAgentId(workerId);
        return violations.stream()
                .map(v -> new FieldViolation("workerId", v.rule(), v.message().replace("agentId", "workerId")))
                .toList();
    }

    public static List<FieldViolation> checkSha256(String sha256) {
        if (sha256 == null || !SHA256.matcher(sha256).matches()) {
            return List.of(new FieldViolation(
                    "sha256", "pattern", "sha256 must be 64 lower-case hexadecimal characters; got " + quote(sha256)));
        }
        return List.of();
    }

    public static List<FieldViolation> checkLogLines(List<String> lines) {
        if (lines == null || lines.isEmpty()) {
            return List.of(new FieldViolation("lines", "required", "lines must hold at least one line"));
        }
        var violations = new ArrayList<FieldViolation>();
        if (lines.size() > LOG_LINES_MAX) {
            violations.add(new FieldViolation(
                    "lines", "size", "lines may hold at most " + LOG_LINES_MAX + " lines; got " + lines.size()));
        }
        long total = 0;
        for (var line : lines) {
            if (line == null || line.length() > LOG_LINE_MAX_LENGTH) {
                violations.add(new FieldViolation(
                        "lines",
                        "length",
                        "each line must be present and at most " + LOG_LINE_MAX_LENGTH + " characters"));
                break;
            }
            total += line.length();
        }
        if (total > LOG_TOTAL_MAX_LENGTH) {
            violations.add(new FieldViolation(
                    "lines",
                    "size",
                    "lines may hold at most " + LOG_TOTAL_MAX_LENGTH + " characters in all; got " + total));
        }
        return violations;
    }

    /** Throws when {@code violations} is not empty, naming what the record was about. */
    static void require(String about, List<FieldViolation> violations) {
        if (!violations.isEmpty()) {
            throw new IllegalArgumentException("Invalid " + about + ": "
                    + String.join(
                            "; ",
                            violations.stream().map(FieldViolation::message).toList()));
        }
    }

    /** All violations of several checks, in order. */
    @SafeVarargs
    static List<FieldViolation> all(List<FieldViolation>... checks) {
        var all = new ArrayList<FieldViolation>();
        for (var check : checks) {
            all.addAll(check);
        }
        return all;
    }

    /** A value for a message: quoted and cut to 60 characters, or "nothing" when null. */
    static String quote(String value) {
        if (value == null) {
            return "nothing";
        }
        var shown = value.length() > 60 ? value.substring(0, 60) + "…" : value;
        return '"' + shown + '"';
    }
}
