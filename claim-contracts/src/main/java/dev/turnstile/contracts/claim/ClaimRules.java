package dev.turnstile.contracts.claim;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The input rules for a claim, shared by the gateway (which rejects bad requests) and the clients (which check
 * before they call). One place, so that the messages agents see never drift apart.
 */
public final class ClaimRules {

    /** Longest project or task name. */
    public static final int NAME_MAX_LENGTH = 100;

    /** Longest agent id. */
    public static final int AGENT_ID_MAX_LENGTH = 200;

    /** Shortest and longest git SHA (abbreviated to full SHA-256). */
    public static final int GIT_SHA_MIN_LENGTH = 7;

    public static final int GIT_SHA_MAX_LENGTH = 64;

    /** Shortest and longest request id. */
    public static final int REQUEST_ID_MIN_LENGTH = 8;

    public static final int REQUEST_ID_MAX_LENGTH = 128;

    /** Shortest and longest lease time to live, in seconds. */
    public static final int TTL_MIN_SECONDS = 1;

    public static final int TTL_MAX_SECONDS = 3600;

    /** Project and task names: Nx names such as {@code @scope/app} or {@code e2e-ci--src/a.cy.ts}; no ':' (the key separator). */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9@_][A-Za-z0-9._@/+=-]*");

    private static final Pattern GIT_SHA = Pattern.compile("[0-9a-fA-F]+");

    /** Printable ASCII, no leading or trailing space. */
    private static final Pattern AGENT_ID = Pattern.compile("[\\x21-\\x7E]([\\x20-\\x7E]*[\\x21-\\x7E])?");

    private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]+");

    private ClaimRules() {}

    /** Violations of the rules for a project name; empty when it is valid. */
    public static List<FieldViolation> checkName(String field, String value) {
        if (value == null || value.isEmpty()) {
            return List.of(required(field, "a name such as \"hire\" or \"convex-deploy\""));
        }
        if (value.length() > NAME_MAX_LENGTH) {
            return List.of(new FieldViolation(
                    field,
                    "length",
                    field + " must be at most " + NAME_MAX_LENGTH + " characters; got " + value.length()));
        }
        if (!NAME.matcher(value).matches()) {
            return List.of(new FieldViolation(
                    field,
                    "pattern",
                    field + " may contain letters, digits and . _ @ / + = - (no spaces, no ':'), and must start with a"
                            + " letter, digit, '@' or '_'; got " + quote(value)));
        }
        return List.of();
    }

    /** Violations of the rules for a git SHA; empty when it is valid. */
    public static List<FieldViolation> checkGitSha(String value) {
        if (value == null || value.isEmpty()) {
            return List.of(required("gitSha", "the commit SHA the task runs for, e.g. \"3f9c2ab\""));
        }
        if (value.length() < GIT_SHA_MIN_LENGTH
                || value.length() > GIT_SHA_MAX_LENGTH
                || !GIT_SHA.matcher(value).matches()) {
            return List.of(new FieldViolation(
                    "gitSha",
                    "pattern",
                    "gitSha must be " + GIT_SHA_MIN_LENGTH + " to " + GIT_SHA_MAX_LENGTH
                            + " hexadecimal characters (a git commit SHA such as 3f9c2ab); got " + quote(value)));
        }
        return List.of();
    }

    /** Violations of the rules for an agent id; empty when it is valid. */
    public static List<FieldViolation> checkAgentId(String value) {
        if (value == null || value.isEmpty()) {
            return List.of(required("agentId", "who is asking, e.g. $NX_CLOUD_AGENT_ID or hostname-pid"));
        }
        if (value.length() > AGENT_ID_MAX_LENGTH) {
            return List.of(new FieldViolation(
                    "agentId",
                    "length",
                    "agentId must be at most " + AGENT_ID_MAX_LENGTH + " characters; got " + value.length()));
        }
        if (!AGENT_ID.matcher(value).matches()) {
            return List.of(new FieldViolation(
                    "agentId",
                    "pattern",
                    "agentId must be printable ASCII without control characters or surrounding spaces; got "
                            + quote(value)));
        }
        return List.of();
    }

    /** Violations of the rules for an optional request id; empty when it is absent or valid. */
    public static List<FieldViolation> checkRequestId(String value) {
        if (value == null) {
            return List.of();
        }
        if (value.length() < REQUEST_ID_MIN_LENGTH
                || value.length() > REQUEST_ID_MAX_LENGTH
                || !REQUEST_ID.matcher(value).matches()) {
            return List.of(new FieldViolation(
                    "requestId",
                    "pattern",
                    "requestId must be " + REQUEST_ID_MIN_LENGTH + " to " + REQUEST_ID_MAX_LENGTH
                            + " characters of letters, digits and . _ : - (a UUID works); got " + quote(value)));
        }
        return List.of();
    }

    /** Every violation of a claim's fields, in field order; empty when the claim may be sent. */
    public static List<FieldViolation> checkClaim(
            String project, String task, String gitSha, String agentId, String requestId) {
        var violations = new ArrayList<FieldViolation>();
        violations.addAll(checkName("project", project));
        violations.addAll(checkName("task", task));
        violations.addAll(checkGitSha(gitSha));
        violations.addAll(checkAgentId(agentId));
        violations.addAll(checkRequestId(requestId));
        return List.copyOf(violations);
    }

    /**
     * Violations of the claim policy fields, all optional: {@code mode} is {@code once} or {@code lease}; a lease
     * needs {@code ttlSeconds} within bounds; a {@code once} claim takes none. {@code ttlSeconds} without a mode
     * means a lease. Empty when valid.
     */
    public static List<FieldViolation> checkPolicy(String mode, Long ttlSeconds) {
        var violations = new ArrayList<FieldViolation>();
        if (mode != null && ClaimMode.fromWireName(mode).isEmpty()) {
            violations.add(new FieldViolation(
                    "mode",
                    "enum",
                    "mode must be \"once\" (never expires; the default) or \"lease\"; got " + quote(mode)));
            return List.copyOf(violations);
        }
        if ("lease".equals(mode) && ttlSeconds == null) {
            violations.add(required(
                    "ttlSeconds", "a lease's time to live in seconds, " + TTL_MIN_SECONDS + " to " + TTL_MAX_SECONDS));
        } else if ("once".equals(mode) && ttlSeconds != null) {
            violations.add(new FieldViolation(
                    "ttlSeconds", "conflict", "ttlSeconds applies only to mode \"lease\"; a once claim never expires"));
        } else {
            violations.addAll(checkTtlSeconds(ttlSeconds));
        }
        return List.copyOf(violations);
    }

    /** Violations of the rules for an optional lease time to live; empty when it is absent or valid. */
    public static List<FieldViolation> checkTtlSeconds(Long ttlSeconds) {
        if (ttlSeconds != null && (ttlSeconds < TTL_MIN_SECONDS || ttlSeconds > TTL_MAX_SECONDS)) {
            return List.of(new FieldViolation(
                    "ttlSeconds",
                    "range",
                    "ttlSeconds must be " + TTL_MIN_SECONDS + " to " + TTL_MAX_SECONDS + " seconds; got "
                            + ttlSeconds));
        }
        return List.of();
    }

    /** Violations of the rules for a fencing token; empty when it is valid. */
    public static List<FieldViolation> checkFencingToken(Long fencingToken) {
        if (fencingToken == null) {
            return List.of(required("fencingToken", "the token your grant carried, e.g. 3"));
        }
        if (fencingToken < 1) {
            return List.of(new FieldViolation(
                    "fencingToken", "range", "fencingToken must be 1 or more (as granted); got " + fencingToken));
        }
        return List.of();
    }

    /** Violations of the rules for a task outcome; empty when it is valid. */
    public static List<FieldViolation> checkOutcome(String outcome) {
        if (outcome == null || outcome.isEmpty()) {
            return List.of(required("outcome", "\"succeeded\" or \"failed\""));
        }
        if (ClaimOutcome.fromWireName(outcome).isEmpty()) {
            return List.of(new FieldViolation(
                    "outcome", "enum", "outcome must be \"succeeded\" or \"failed\"; got " + quote(outcome)));
        }
        return List.of();
    }

    /** Git SHAs are case-insensitive; keys use lower case so that "ABC1234" and "abc1234" are one task. */
    public static String normalizeGitSha(String gitSha) {
        return gitSha.toLowerCase(Locale.ROOT);
    }

    private static FieldViolation required(String field, String hint) {
        return new FieldViolation(field, "required", field + " is required: " + hint);
    }

    /** Quotes a value for a message, escaping control characters and cutting it short. */
    static String quote(String value) {
        var out = new StringBuilder("\"");
        int limit = Math.min(value.length(), 60);
        for (int i = 0; i < limit; i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7F || c > 0x7E) {
                out.append(String.format("\\u%04x", (int) c));
            } else if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else {
                out.append(c);
            }
        }
        if (value.length() > limit) {
            out.append("...");
        }
        return out.append('"').toString();
    }
}
