package dev.turnstile.projections.jobs.web;

import dev.turnstile.contracts.claim.FieldViolation;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The body of an operator request: JSON (as every Turnstile request with a body), at most a few KiB, an object with
 * known fields only; an empty body is an empty object. Strict on purpose, as the gateway is: a misspelt field is a bug
 * that should surface at once.
 */
final class JsonBody {

    static final int MAX_BYTES = 8192;

    private static final JsonMapper STRICT = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private JsonBody() {}

    /**
     * Whether the request says its body is JSON. A web page can post a form or {@code text/plain} to another site
     * without asking first, but not {@code application/json}: requiring it keeps other sites from operating through a
     * signed-in browser.
     */
    static boolean isJson(HttpServletRequest request) {
        var contentType = request.getContentType();
        try {
            return contentType != null
                    && MediaType.parseMediaType(contentType).equalsTypeAndSubtype(MediaType.APPLICATION_JSON);
        } catch (InvalidMediaTypeException e) {
            return false;
        }
    }

    /** What reading a body came to: its fields, or the violations that make it unusable. */
    record Read(ObjectNode fields, List<FieldViolation> violations) {}

    static Read read(HttpServletRequest request, Set<String> accepted, String example) throws IOException {
        if (request.getContentLengthLong() > MAX_BYTES) {
            return tooLarge();
        }
        var bytes = request.getInputStream().readNBytes(MAX_BYTES + 1);
        if (bytes.length > MAX_BYTES) {
            return tooLarge();
        }
        if (new String(bytes, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            return new Read(STRICT.createObjectNode(), List.of());
        }
        JsonNode root;
        try {
            root = STRICT.readTree(bytes);
        } catch (JacksonException e) {
            return fatal("json", "Request body is not valid JSON: " + e.getOriginalMessage());
        }
        if (!(root instanceof ObjectNode object)) {
            return fatal("type", "Request body must be a JSON object such as " + example);
        }
        var violations = new ArrayList<FieldViolation>();
        for (var name : object.propertyNames()) {
            if (!accepted.contains(name)) {
                violations.add(new FieldViolation(
                        name,
                        "unknown",
                        "Unknown field \"" + name + "\": the fields are "
                                + String.join(", ", accepted.stream().sorted().toList())));
            }
        }
        return new Read(object, violations);
    }

    /** A string field, or null when absent or null; a violation when it is another type. */
    static String string(ObjectNode fields, String name, List<FieldViolation> violations) {
        var node = fields.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isString()) {
            violations.add(typeViolation(name, "a string", node));
            return null;
        }
        return node.asString();
    }

    /** A whole-number field, or null when absent or null; a violation when it is another type. */
    static Long wholeNumber(ObjectNode fields, String name, List<FieldViolation> violations) {
        var node = fields.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            violations.add(typeViolation(name, "a whole number", node));
            return null;
        }
        return node.asLong();
    }

    static FieldViolation typeViolation(String name, String wanted, JsonNode node) {
        return new FieldViolation(name, "type", name + " must be " + wanted + "; got " + describe(node));
    }

    static String describe(JsonNode node) {
        if (node.isNumber()) {
            return node.isIntegralNumber() ? "a number" : "a number with a fraction";
        }
        return "a " + node.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    private static Read tooLarge() {
        return fatal("size", "Request body is larger than " + MAX_BYTES + " bytes; an operator request is a few dozen");
    }

    private static Read fatal(String rule, String message) {
        return new Read(null, List.of(new FieldViolation("body", rule, message)));
    }
}
