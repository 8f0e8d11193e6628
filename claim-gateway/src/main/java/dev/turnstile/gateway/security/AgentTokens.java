package dev.turnstile.gateway.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The bearer tokens CI agents may present, kept as SHA-256 digests ({@code sha256:<64 hex>}) so the configuration
 * never holds a usable token. Comparison is in constant time.
 */
public final class AgentTokens {

    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-fA-F]{64}");

    private final List<byte[]> digests;

    private AgentTokens(List<byte[]> digests) {
        this.digests = digests;
    }

    /**
     * Reads {@code turnstile.security.agent-tokens} entries.
     *
     * @throws IllegalArgumentException naming the entry and the expected form when one is not a SHA-256 digest
     */
    public static AgentTokens of(List<String> configured) {
        var digests = configured.stream()
                .map(String::strip)
                .filter(entry -> !entry.isEmpty())
                .map(entry -> {
                    if (!DIGEST.matcher(entry).matches()) {
                        throw new IllegalArgumentException(
                                "turnstile.security.agent-tokens entry \"" + abbreviate(entry)
                                        + "\" is not a token digest: give sha256:<64 hex digits>, e.g. the output of"
                                        + " `printf %s \"$TOKEN\" | sha256sum`, never the token itself");
                    }
                    return HexFormat.of()
                            .parseHex(entry.substring("sha256:".length()).toLowerCase(Locale.ROOT));
                })
                .toList();
        return new AgentTokens(digests);
    }

    /** True when tokens are required (at least one is configured). */
    public boolean required() {
        return !digests.isEmpty();
    }

    /** True when {@code token} is one of the configured tokens. */
    public boolean accepts(String token) {
        if (token == null || token.isEmpty()) {
            return false;
        }
        var digest = sha256(token);
        boolean match = false;
        for (var candidate : digests) {
            match |= MessageDigest.isEqual(candidate, digest);
        }
        return match;
    }

    /** {@code sha256:<hex>} of a token, the form the configuration takes. */
    public static String digestOf(String token) {
        return "sha256:" + HexFormat.of().formatHex(sha256(token));
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private static String abbreviate(String entry) {
        return entry.length() <= 12 ? entry : entry.substring(0, 12) + "…";
    }
}
