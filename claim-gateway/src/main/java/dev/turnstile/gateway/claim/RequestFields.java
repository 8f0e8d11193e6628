package dev.turnstile.gateway.claim;

import dev.turnstile.contracts.claim.ClaimRules;
import dev.turnstile.contracts.claim.FieldViolation;
import dev.turnstile.gateway.web.JsonSyntax;
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
 * Reads a request body as a JSON object with known fields of known types, reporting every unknown field and every
 * value of the wrong type. Strict on purpose: a misspelt field or a number where a name belongs is an agent bug that
 * should surface at once. The key fields every endpoint has (project, task, gitSha, agentId, requestId) are checked
 * with {@link ClaimRules}; the endpoint's own rules are checked on the typed values.
 */
final class RequestFields {

    private static final JsonMapper STRICT = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** The JSON type a field must have. */
    enum Type {
        STRING("a string"),
        WHOLE_NUMBER("a whole number"),
        BOOLEAN("true or false");

        private final String description;

        Type(String description) {
            this.description = description;
        }
    }

    /** A field the endpoint accepts. */
    record Field(String name, Type type) {

        static Field string(String name) {
            return new Field(name, Type.STRING);
        }

        static Field wholeNumber(String name) {
            return new Field(name, Type.WHOLE_NUMBER);
        }

        static Field bool(String name) {
            return new Field(name, Type.BOOLEAN);
        }
    }

    /**
     * The fields read: absent and null fields are absent from {@code values}; fields with a violation too.
     *
     * @param fatal true when the body is not a JSON object at all, so no field rule is worth checking
     */
    record Values(Map<String, Object> values, List<FieldViolation> violations, boolean fatal) {

        String string(String field) {
            return (String) values.get(field);
        }

        Long wholeNumber(String field) {
            return (Long) values.get(field);
        }

        Boolean bool(String field) {
            return (Boolean) values.get(field);
        }

        /**
         * Every violation: the reading's, then those of {@code rules} (the endpoint's rules on these values, key
         * fields first) except for fields already reported.
         */
        List<FieldViolation> with(List<FieldViolation> rules) {
            var all = new ArrayList<>(violations);
            var key = ClaimRules.checkClaim(
                    string("project"), string("task"), string("gitSha"), string("agentId"), string("requestId"));
            java.util.stream.Stream.concat(key.stream(), rules.stream())
                    .filter(violation -> !broken(violation.field()))
                    .forEach(all::add);
            return List.copyOf(all);
        }

        /** Whether {@code field} already has a violation (so its rule violations would only repeat it). */
        boolean broken(String field) {
            return violations.stream().anyMatch(violation -> violation.field().equals(field));
        }
    }

    private final List<Field> fields;
    private final String example;

    /**
     * @param fields the accepted fields, in the order violations are reported
     * @param example a valid body, shown when the body is empty
     */
    RequestFields(List<Field> fields, String example) {
        this.fields = List.copyOf(fields);
        this.example = example;
    }

    Values read(byte[] body) {
        JsonNode root;
        try {
            root = STRICT.readTree(body);
        } catch (JacksonException e) {
            return fatal(new FieldViolation("body", "json", JsonSyntax.describe(e)));
        }
        if (root == null || root.isMissingNode()) {
            return fatal(new FieldViolation(
                    "body", "required", "Request body is empty: send a JSON object such as " + example));
        }
        if (!root.isObject()) {
            return fatal(new FieldViolation(
                    "body",
                    "type",
                    "Request body must be a JSON object such as " + example + "; got " + describe(root)));
        }
        var names = fields.stream().map(Field::name).toList();
        var violations = new ArrayList<FieldViolation>();
        for (var name : root.propertyNames()) {
            if (!names.contains(name)) {
                violations.add(new FieldViolation(
                        name, "unknown", "Unknown field \"" + name + "\": the fields are " + String.join(", ", names)));
            }
        }
        var values = new HashMap<String, Object>();
        for (var field : fields) {
            var node = root.get(field.name());
            if (node == null || node.isNull()) {
                continue;
            }
            var value = valueOf(node, field.type());
            if (value == null) {
                violations.add(new FieldViolation(
                        field.name(),
                        "type",
                        field.name() + " must be " + field.type().description + "; got " + describe(node)));
            } else {
                values.put(field.name(), value);
            }
        }
        return new Values(values, violations, false);
    }

    private static Object valueOf(JsonNode node, Type type) {
        return switch (type) {
            case STRING -> node.isString() ? node.asString() : null;
            case WHOLE_NUMBER -> node.isIntegralNumber() && node.canConvertToLong() ? node.asLong() : null;
            case BOOLEAN -> node.isBoolean() ? node.asBoolean() : null;
        };
    }

    private static Values fatal(FieldViolation violation) {
        return new Values(Map.of(), List.of(violation), true);
    }

    static String describe(JsonNode node) {
        if (node.isNumber()) {
            return node.isIntegralNumber() ? "a number" : "a number with a fraction";
        }
        return "a " + node.getNodeType().name().toLowerCase(Locale.ROOT);
    }
}
