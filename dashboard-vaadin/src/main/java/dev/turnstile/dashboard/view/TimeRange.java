package dev.turnstile.dashboard.view;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/** How far back the activity page's chart and stat cards look, as picked in the page and kept in its address. */
public enum TimeRange {
    HOUR("1h", "last hour", Duration.ofHours(1), Duration.ofMinutes(1)),
    DAY("24h", "last 24 hours", Duration.ofHours(24), Duration.ofMinutes(15)),
    WEEK("7d", "last 7 days", Duration.ofDays(7), Duration.ofHours(2));

    /** The range the page shows when the address names none. */
    public static final TimeRange DEFAULT = DAY;

    private final String label;
    private final String description;
    private final Duration span;
    private final Duration bucket;

    TimeRange(String label, String description, Duration span, Duration bucket) {
        this.label = label;
        this.description = description;
        this.span = span;
        this.bucket = bucket;
    }

    /** The value in the address ({@code ?range=7d}) and on the picker. */
    public String label() {
        return label;
    }

    /** "last 24 hours", for titles and card details. */
    public String description() {
        return description;
    }

    public Duration span() {
        return span;
    }

    /** One point of the chart. */
    public Duration bucket() {
        return bucket;
    }

    /** The end of the chart at {@code now}: the end of the bucket that holds {@code now}. */
    public Instant end(Instant now) {
        long size = bucket.toMillis();
        return Instant.ofEpochMilli(Math.floorDiv(now.toEpochMilli(), size) * size + size);
    }

    /** Reads {@code 1h}, {@code 24h} or {@code 7d}, ignoring case. */
    public static TimeRange parse(String text) {
        var wanted = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        for (var range : values()) {
            if (range.label.equals(wanted)) {
                return range;
            }
        }
        throw new IllegalArgumentException("range must be 1h, 24h or 7d; got \"" + text + "\"");
    }
}
