package dev.turnstile.projections.activity;

import dev.turnstile.projections.query.InvalidQueryException;
import java.util.Arrays;
import java.util.Base64;

/**
 * Opaque page cursors: URL-safe base64 of a version byte and the position of the last attempt of the page. A position
 * orders every index the same way, so a cursor stays valid whatever index serves the next page.
 */
final class Cursors {

    private static final byte VERSION = 1;

    private Cursors() {}

    static String encode(byte[] position) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Keys.concat(new byte[] {VERSION}, position));
    }

    static byte[] decode(String cursor) {
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(cursor.strip());
        } catch (IllegalArgumentException e) {
            throw invalid(cursor);
        }
        // Version, 8 bytes of time, then a decision id of at least one byte.
        if (bytes.length < 10 || bytes[0] != VERSION) {
            throw invalid(cursor);
        }
        return Arrays.copyOfRange(bytes, 1, bytes.length);
    }

    private static InvalidQueryException invalid(String cursor) {
        var shown = cursor.length() > 40 ? cursor.substring(0, 40) + "…" : cursor;
        return new InvalidQueryException(
                "cursor",
                "cursor",
                "cursor \"" + shown + "\" is not one that recentAttempts"
                        + " returned; pass the nextCursor of the previous page unchanged, or no cursor for the first page");
    }
}
