package dev.turnstile.gateway;

import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The gateway's served OpenAPI 3.1 document, as a judge of real answers: the answer's status must be documented for
 * its operation, with its media type, and its body must validate against the documented schema (JSON Schema 2020-12,
 * as OpenAPI 3.1 says) with no member the schema does not declare.
 */
final class OpenApiDocument {

    private static final JsonMapper JSON = JsonMapper.shared();

    private final JsonNode document;
    private final SchemaRegistry schemas = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    OpenApiDocument(String text) {
        this.document = JSON.readTree(text);
    }

    String version() {
        return document.path("openapi").asString();
    }

    /** What is wrong with the answer, by the document; empty when it conforms. */
    List<String> check(RecordingProxy.Exchange exchange) {
        var what = exchange.method() + " " + exchange.path() + " " + exchange.status();
        var operation = operation(exchange.method(), exchange.path());
        if (operation == null) {
            return List.of(what + ": no such operation in the document");
        }
        var response = operation.path("responses").path(Integer.toString(exchange.status()));
        if (response.isMissingNode()) {
            return List.of(what + ": status not documented");
        }
        var content = response.path("content");
        if (content.isMissingNode() || content.isEmpty()) {
            return exchange.body().isEmpty() ? List.of() : List.of(what + ": body where none is documented");
        }
        var mediaType = exchange.contentType() == null
                ? ""
                : exchange.contentType().split(";")[0].strip();
        var documented = content.path(mediaType);
        if (documented.isMissingNode()) {
            return List.of(
                    what + ": media type " + mediaType + " not documented (only " + content.propertyNames() + ")");
        }
        ObjectNode schema = JSON.createObjectNode();
        schema.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        schema.set("allOf", JSON.createArrayNode().add(documented.path("schema")));
        schema.put("unevaluatedProperties", false);
        schema.set("components", document.path("components"));
        var errors = new ArrayList<String>();
        schemas.getSchema(schema)
                .validate(JSON.readTree(exchange.body()))
                .forEach(error -> errors.add(what + ": " + error));
        return errors;
    }

    /** For an answer no operation has (a 404 or 405): what is wrong with it as a problem of the document. */
    List<String> checkProblem(RecordingProxy.Exchange exchange) {
        var what = exchange.method() + " " + exchange.path() + " " + exchange.status();
        if (exchange.contentType() == null || !exchange.contentType().startsWith("application/problem+json")) {
            return List.of(what + ": not application/problem+json but " + exchange.contentType());
        }
        ObjectNode schema = JSON.createObjectNode();
        schema.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        schema.put("$ref", "#/components/schemas/Problem");
        schema.put("unevaluatedProperties", false);
        schema.set("components", document.path("components"));
        var errors = new ArrayList<String>();
        schemas.getSchema(schema)
                .validate(JSON.readTree(exchange.body()))
                .forEach(error -> errors.add(what + ": " + error));
        return errors;
    }

    private JsonNode operation(String method, String path) {
        for (var template : document.path("paths").propertyNames()) {
            var regex = Pattern.quote(template).replaceAll("\\{[^}]+}", "\\\\E[^/]+\\\\Q");
            if (path.matches(regex)) {
                var operation = document.path("paths").path(template).path(method.toLowerCase());
                if (!operation.isMissingNode()) {
                    return operation;
                }
            }
        }
        return null;
    }
}
