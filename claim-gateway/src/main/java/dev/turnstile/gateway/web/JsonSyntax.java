package dev.turnstile.gateway.web;

import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.UnexpectedEndOfInputException;

/**
 * What is wrong with a body that is not JSON, in words a client can act on and without the parser's internals
 * (class names, source descriptions), e.g. {@code The request body is not valid JSON: unexpected end at line 1 column
 * 12}.
 */
public final class JsonSyntax {

    private static final Pattern UNEXPECTED_CHARACTER = Pattern.compile("Unexpected character \\('(.{1,2})' \\(code");
    private static final Pattern UNRECOGNIZED_TOKEN = Pattern.compile("Unrecognized token '(.{0,40})'");
    private static final Pattern DUPLICATE = Pattern.compile("Duplicate (?:Object property|field) \"(.{0,60})\"");

    private JsonSyntax() {}

    /** The sentence for a body that did not parse. */
    public static String describe(JacksonException error) {
        var location = error.getLocation();
        var where = location == null || location.getLineNr() < 0
                ? ""
                : " at line " + location.getLineNr() + " column " + location.getColumnNr();
        return "The request body is not valid JSON: " + what(error) + where;
    }

    private static String what(JacksonException error) {
        if (error instanceof UnexpectedEndOfInputException) {
            return "unexpected end";
        }
        var message = String.valueOf(error.getOriginalMessage());
        var character = UNEXPECTED_CHARACTER.matcher(message);
        if (character.find()) {
            return "unexpected character '" + character.group(1) + "'";
        }
        var token = UNRECOGNIZED_TOKEN.matcher(message);
        if (token.find()) {
            return "unrecognized word '" + token.group(1) + "' (strings need double quotes)";
        }
        var duplicate = DUPLICATE.matcher(message);
        if (duplicate.find()) {
            return "field \"" + duplicate.group(1) + "\" appears twice";
        }
        if (message.contains("Illegal unquoted character")) {
            return "a control character inside a string (escape it)";
        }
        if (message.contains("Invalid UTF-8")) {
            return "bytes that are not UTF-8";
        }
        if (message.contains("Trailing token")) {
            return "more after the end of the JSON value";
        }
        return "malformed JSON";
    }
}
