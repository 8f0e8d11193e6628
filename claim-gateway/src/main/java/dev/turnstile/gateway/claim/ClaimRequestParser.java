package dev.turnstile.gateway.claim;

import dev.turnstile.contracts.claim.ClaimRules;
import dev.turnstile.contracts.claim.FieldViolation;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns a claim request body into a {@link ValidClaim}, or into violations that name each field and rule. Strict
 * on purpose: a misspelt field or a number where a name belongs is an agent bug that should surface at once.
 */
final class ClaimRequestParser {

    private static final List<String> FIELDS = List.of("project", "task", "gitSha", "agentId", "requestId");
    private static final Set<String> KNOWN = Set.copyOf(FIELDS);
    private static final JsonMapper STRICT =
            JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    /** A claim that passed every rule; {@code requestId} may be null (the gateway then makes one). */
    record ValidClaim(String project, String task, String gitSha, String agentId, String requestId) {}

    /** Either a valid claim or the reasons it is not one. */
    record Parsed(ValidClaim claim, List<FieldViolation> violations) {

        boolean isValid() {
            return claim != null;
        }
    }

    Parsed parse(byte[] body) {
        JsonNode root;
        try {
            root = STRICT.readTree(body);
        } catch (JacksonException e) {
            var where = e.getLocation() == null
                    ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            return invalid(new FieldViolation(
                    "body", "json", "Request body is not valid JSON" + where + ": " + e.getOriginalMessage()));
        }
        if (root == null || root.isMissingNode()) {
            return invalid(new FieldViolation(
                    "body",
                    "required",
                    "Request body is empty: send a JSON object such as {\"project\":\"hire\",\"task\":\"convex-deploy\","
                            + "\"gitSha\":\"3f9c2ab\",\"agentId\":\"agent-1\"}"));
        }
        if (!root.isObject()) {
            return invalid(new FieldViolation(
                    "body",
                    "type",
                    "Request body must be a JSON object with project, task, gitSha and agentId; got "
                            + describe(root)));
        }
        var violations = new ArrayList<FieldViolation>();
        for (var name : root.propertyNames()) {
            if (!KNOWN.contains(name)) {
                violations.add(new FieldViolation(
                        name, "unknown", "Unknown field \"" + name + "\": the fields are " + String.join(", ", FIELDS)));
            }
        }
        var values = new ArrayList<String>();
        for (var field : FIELDS) {
            var node = root.get(field);
            if (node == null || node.isNull()) {
                values.add(null);
            } else if (!node.isString()) {
                values.add(null);
                violations.add(new FieldViolation(field, "type", field + " must be a string; got " + describe(node)));
            } else {
                values.add(node.asString());
            }
        }
        var typeErrors = violations.stream().map(FieldViolation::field).toList();
        ClaimRules.checkClaim(values.get(0), values.get(1), values.get(2), values.get(3), values.get(4)).stream()
                .filter(violation -> !typeErrors.contains(violation.field()))
                .forEach(violations::add);
        if (!violations.isEmpty()) {
            return new Parsed(null, List.copyOf(violations));
        }
        return new Parsed(
                new ValidClaim(
                        values.get(0),
                        values.get(1),
                        ClaimRules.normalizeGitSha(values.get(2)),
                        values.get(3),
                        values.get(4)),
                List.of());
    }

    private static Parsed invalid(FieldViolation violation) {
        return new Parsed(null, List.of(violation));
    }

    private static String describe(JsonNode node) {
        return "a " + node.getNodeType().name().toLowerCase(Locale.ROOT);
    }
}
