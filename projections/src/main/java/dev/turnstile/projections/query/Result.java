package dev.turnstile.projections.query;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Outcome of an attempt. */
public enum Result {
    /** The agent was told to proceed. */
    GRANTED,
    /** The agent was told to skip: a duplicate blocked. */
    BLOCKED;

    /** The name used in JSON and in the HTTP API's {@code result} parameter: {@code granted} or {@code blocked}. */
    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code granted} or {@code blocked}, ignoring case. */
    @JsonCreator
    public static Result parse(String text) {
        return switch (text == null ? "" : text.strip().toLowerCase(Locale.ROOT)) {
            case "granted" -> GRANTED;
            case "blocked" -> BLOCKED;
            default ->
                throw new InvalidQueryException(
                        "result", "enum", "result must be \"granted\" or \"blocked\"; got \"" + text + "\"");
        };
    }
}
