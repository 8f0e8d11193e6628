package dev.turnstile.gateway.jobs;

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
 * Reads a job request body as a JSON object with known fields of known types, reporting every unknown field (nested
 * ones by their path, e.g. {@code backoff.base}) and every value of the wrong type. Strict on purpose, as the claim
 * API is: a misspelt field or a number where a name belongs is a client bug that should surface at once.
 */
final class JobFields {

    private static final JsonMapper STRICT = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** The JSON type a field must have. */
    enum Type {
        STRING("a string"),
        WHOLE_NUMBER("a whole number"),
        BOOLEAN("true or false"),
        /** Any JSON value (a payload or result). */
        ANY("any JSON value"),
        STRING_ARRAY("an array of strings"),
        OBJECT("an object");

        private final String description;

        Type(String description) {
            this.description = description;
        }
    }

    /**
     * A field the endpoint accepts; an object field lists its own fields.
     *
     * @param fields for {@link Type#OBJECT}: its fields
     */
    record Field(String name, Type type, List<Field> fields) {

        static Field string(String name) {
            return new Field(name, Type.STRING, List.of());
        }

        static Field wholeNumber(String name) {
            return new Field(name, Type.WHOLE_NUMBER, List.of());
        }

        static Field bool(String name) {
            return new Field(name, Type.BOOLEAN, List.of());
        }

        static Field any(String name) {
            return new Field(name, Type.ANY, List.of());
        }

        static Field strings(String name) {
            return new Field(name, Type.STRING_ARRAY, List.of());
        }

        static Field object(String name, Field... fields) {
            return new Field(name, Type.OBJECT, List.of(fields));
        }
    }

    /**
     * The fields read, by path ({@code backoff.kind}); absent, null and broken fields are absent from {@code values}.
     *
     * @param fatal true when the body is not a JSON object at all, so no field rule is worth checking
     */
    record Values(Map<String, Object> values, List<FieldViolation> violations, boolean fatal) {

        String string(String path) {
            return (String) values.get(path);
        }

        Long wholeNumber(String path) {
            return (Long) values.get(path);
        }

        Boolean bool(String path) {
            return (Boolean) values.get(path);
        }

        JsonNode json(String path) {
            return (JsonNode) values.get(path);
        }

        @SuppressWarnings("unchecked")
        List<String> strings(String path) {
            return (List<String>) values.get(path);
        }

        boolean has(String path) {
            return values.containsKey(path);
        }

        /** Whether {@code path} already has a violation (so its rule violations would only repeat it). */
        boolean broken(String path) {
            return violations.stream().anyMatch(violation -> violation.field().equals(path));
        }
    }

    private final List<Field> fields;
    private final String example;

    /**
     * @param fields the accepted fields, in the order violations are reported
     * @param example a valid body, shown when the body is empty or not an object
     */
    JobFields(List<Field> fields, String example) {
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
        var values = new HashMap<String, Object>();
        var violations = new ArrayList<FieldViolation>();
        readObject(root, "", fields, values, violations);
        return new Values(values, violations, false);
    }

    private static void readObject(
            JsonNode object,
            String prefix,
            List<Field> fields,
            Map<String, Object> values,
            List<FieldViolation> violations) {
        var names = fields.stream().map(Field::name).toList();
        for (var name : object.propertyNames()) {
            if (!names.contains(name)) {
                violations.add(new FieldViolation(
                        prefix + name,
                        "unknown",
                        "Unknown field \"" + prefix + name + "\": the fields are "
                                + String.join(
                                        ", ",
                                        names.stream().map(n -> prefix + n).toList())));
            }
        }
        for (var field : fields) {
            var path = prefix + field.name();
            var node = object.get(field.name());
            if (node == null || node.isNull()) {
                continue;
            }
            if (field.type() == Type.OBJECT) {
                if (node.isObject()) {
                    values.put(path, node);
                    readObject(node, path + ".", field.fields(), values, violations);
                } else {
                    violations.add(typeViolation(path, field.type(), node));
                }
                continue;
            }
            var value = valueOf(node, field.type());
            if (value == null) {
                violations.add(typeViolation(path, field.type(), node));
            } else {
                values.put(path, value);
            }
        }
    }

    private static FieldViolation typeViolation(String path, Type type, JsonNode node) {
        return new FieldViolation(path, "type", path + " must be " + type.description + "; got " + describe(node));
    }

    private static Object valueOf(JsonNode node, Type type) {
        return switch (type) {
            case STRING -> node.isString() ? node.asString() : null;
            case WHOLE_NUMBER -> node.isIntegralNumber() && node.canConvertToLong() ? node.asLong() : null;
            case BOOLEAN -> node.isBoolean() ? node.asBoolean() : null;
            case ANY -> node;
            case STRING_ARRAY -> strings(node);
            case OBJECT -> node.isObject() ? node : null;
        };
    }

    private static List<String> strings(JsonNode node) {
        if (!node.isArray()) {
            return null;
        }
        var strings = new ArrayList<String>(node.size());
        for (var element : node) {
            if (!element.isString()) {
                return null;
            }
            strings.add(element.asString());
        }
        return strings;
    }

    private static Values fatal(FieldViolation violation) {
        return new Values(Map.of(), List.of(violation), true);
    }

    static String describe(JsonNode node) {
        if (node.isNumber()) {
            return node.isIntegralNumber() ? "a number" : "a number with a fraction";
        }
        if (node.isArray()) {
            return "an array";
        }
        if (node.isObject()) {
            return "an object";
        }
        return "a " + node.getNodeType().name().toLowerCase(Locale.ROOT);
    }
}
