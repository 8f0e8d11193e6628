package dev.turnstile.bench.peer;

import dev.turnstile.contracts.claim.ClaimRules;
import dev.turnstile.contracts.claim.FieldViolation;
import dev.turnstile.contracts.claim.TaskKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a claim body with Turnstile's rules: a JSON object of known fields of known types (unknown fields and wrong
 * types named), then {@link ClaimRules} on the values, so that both services accept and refuse the same requests.
 * This peer decides {@code once} claims only (the benchmark's workload); a lease or a takeover is refused by name.
 */
final class ClaimRequestReader {

    /** A claim that passed every rule; {@code requestId} may be null (the service then makes one). */
    record ClaimRequest(TaskKey key, String agentId, String requestId) {}

    /** Either a claim or the reasons it is not one. */
    record Read(ClaimRequest claim, List<FieldViolation> violations) {

        boolean isValid() {
            return claim != null;
        }
    }

    private static final JsonMapper STRICT = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private static final List<String> STRINGS = List.of("project", "task", "gitSha", "agentId", "requestId", "mode");

    private static final List<String> FIELDS =
            List.of("project", "task", "gitSha", "agentId", "requestId", "mode", "ttlSeconds", "takeoverAfterFailure");

    private static final String EXAMPLE =
            "{\"project\":\"hire\",\"task\":\"convex-deploy\",\"gitSha\":\"3f9c2ab\",\"agentId\":\"agent-1\"}";

    Read read(byte[] body) {
        JsonNode root;
        try {
            root = STRICT.readTree(body);
        } catch (JacksonException e) {
            var where = e.getLocation() == null
                    ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column "
                            + e.getLocation().getColumnNr();
            return refused(new FieldViolation(
                    "body", "json", "Request body is not valid JSON" + where + ": " + e.getOriginalMessage()));
        }
        if (root == null || root.isMissingNode()) {
            return refused(new FieldViolation(
                    "body", "required", "Request body is empty: send a JSON object such as " + EXAMPLE));
        }
        if (!root.isObject()) {
            return refused(new FieldViolation(
                    "body",
                    "type",
                    "Request body must be a JSON object such as " + EXAMPLE + "; got " + describe(root)));
        }
        var violations = new ArrayList<FieldViolation>();
        for (var name : root.propertyNames()) {
            if (!FIELDS.contains(name)) {
                violations.add(new FieldViolation(
                        name,
                        "unknown",
                        "Unknown field \"" + name + "\": the fields are " + String.join(", ", FIELDS)));
            }
        }
        var values = new HashMap<String, Object>();
        for (var field : FIELDS) {
            var node = root.get(field);
            if (node == null || node.isNull()) {
                continue;
            }
            var value = valueOf(field, node);
            if (value == null) {
                violations.add(new FieldViolation(
                        field, "type", field + " must be " + typeOf(field) + "; got " + describe(node)));
            } else {
                values.put(field, value);
            }
        }
        var rules = new ArrayList<FieldViolation>(ClaimRules.checkClaim(
                string(values, "project"),
                string(values, "task"),
                string(values, "gitSha"),
                string(values, "agentId"),
                string(values, "requestId")));
        rules.addAll(ClaimRules.checkPolicy(string(values, "mode"), (Long) values.get("ttlSeconds")));
        rules.addAll(onceOnly(values));
        rules.stream()
                .filter(rule -> violations.stream().noneMatch(v -> v.field().equals(rule.field())))
                .forEach(violations::add);
        if (!violations.isEmpty()) {
            return new Read(null, List.copyOf(violations));
        }
        return new Read(
                new ClaimRequest(
                        new TaskKey(string(values, "project"), string(values, "task"), string(values, "gitSha")),
                        string(values, "agentId"),
                        string(values, "requestId")),
                List.of());
    }

    /** Leases and takeovers need expiry and completion, which this peer does not model: refused, by name. */
    private static List<FieldViolation> onceOnly(Map<String, Object> values) {
        var violations = new ArrayList<FieldViolation>();
        if ("lease".equals(values.get("mode")) || values.containsKey("ttlSeconds")) {
            violations.add(new FieldViolation(
                    "mode",
                    "unsupported",
                    "This PostgreSQL benchmark peer decides once claims only; leave out mode and ttlSeconds"));
        }
        if (Boolean.TRUE.equals(values.get("takeoverAfterFailure"))) {
            violations.add(new FieldViolation(
                    "takeoverAfterFailure",
                    "unsupported",
                    "This PostgreSQL benchmark peer decides once claims only; leave out takeoverAfterFailure"));
        }
        return violations;
    }

    private static Object valueOf(String field, JsonNode node) {
        if (STRINGS.contains(field)) {
            return node.isString() ? node.asString() : null;
        }
        if (field.equals("ttlSeconds")) {
            return node.isIntegralNumber() && node.canConvertToLong() ? node.asLong() : null;
        }
        return node.isBoolean() ? node.asBoolean() : null;
    }

    private static String typeOf(String field) {
        if (STRINGS.contains(field)) {
            return "a string";
        }
        return field.equals("ttlSeconds") ? "a whole number" : "true or false";
    }

    private static String string(Map<String, Object> values, String field) {
        return (String) values.get(field);
    }

    private static Read refused(FieldViolation violation) {
        return new Read(null, List.of(violation));
    }

    private static String describe(JsonNode node) {
        if (node.isNumber()) {
            return node.isIntegralNumber() ? "a number" : "a number with a fraction";
        }
        return "a " + node.getNodeType().name().toLowerCase(Locale.ROOT);
    }
}
