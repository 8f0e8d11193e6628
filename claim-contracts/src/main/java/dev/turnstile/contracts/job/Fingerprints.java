package dev.turnstile.contracts.job;

import dev.turnstile.contracts.json.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import tools.jackson.databind.JsonNode;

/** Short digests of long request content (payloads, results, errors, log lines) for fingerprints. */
final class Fingerprints {

    private Fingerprints() {}

    static String digest(JsonNode value) {
        return value == null ? "-" : digest(Json.MAPPER.writeValueAsBytes(value));
    }

    static String digest(String value) {
        return value == null ? "-" : digest(value.getBytes(StandardCharsets.UTF_8));
    }

    private static String digest(byte[] bytes) {
        try {
            var sha = MessageDigest.getInstance("SHA-256").digest(bytes);
            return HexFormat.of().formatHex(sha, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256", e);
        }
    }
}
