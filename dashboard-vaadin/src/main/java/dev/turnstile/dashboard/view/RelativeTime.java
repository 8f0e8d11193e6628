package dev.turnstile.dashboard.view;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** "12s ago", "5m ago", "3h ago", "2d ago": how long before {@code now} something happened. */
public final class RelativeTime {

    private static final DateTimeFormatter EXACT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS 'UTC'").withZone(ZoneOffset.UTC);

    private RelativeTime() {}

    /** The age of {@code then} at {@code now}, in the largest whole unit; a time in the future reads "just now". */
    public static String ago(Instant then, Instant now) {
        var age = Duration.between(then, now);
        if (age.isNegative() || age.isZero()) {
            return "just now";
        }
        if (age.toSeconds() < 60) {
            return age.toSeconds() + "s ago";
        }
        if (age.toMinutes() < 60) {
            return age.toMinutes() + "m ago";
        }
        if (age.toHours() < 24) {
            return age.toHours() + "h ago";
        }
        return age.toDays() + "d ago";
    }

    /** The exact time, shown on hover. */
    public static String exact(Instant instant) {
        return EXACT.format(instant);
    }
}
