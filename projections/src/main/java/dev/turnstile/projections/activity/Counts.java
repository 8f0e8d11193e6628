package dev.turnstile.projections.activity;

import java.nio.ByteBuffer;

/** Attempts and, of those, blocked ones: the value of every counter in the store (16 bytes). */
record Counts(long total, long blocked) {

    static final Counts ZERO = new Counts(0, 0);

    Counts plus(boolean granted) {
        return new Counts(total + 1, blocked + (granted ? 0 : 1));
    }

    Counts plus(Counts other) {
        return new Counts(total + other.total, blocked + other.blocked);
    }

    byte[] encode() {
        return ByteBuffer.allocate(16).putLong(total).putLong(blocked).array();
    }

    static Counts decode(byte[] bytes) {
        if (bytes == null) {
            return ZERO;
        }
        var buffer = ByteBuffer.wrap(bytes);
        return new Counts(buffer.getLong(), buffer.getLong());
    }
}
