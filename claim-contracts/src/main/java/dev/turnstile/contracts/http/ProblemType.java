package dev.turnstile.contracts.http;

import java.net.URI;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Every kind of error the gateway answers, each with a stable {@code type} URI, its HTTP status and a title. The
 * {@link #code()} is the {@code error} member clients have matched on since before errors were RFC 9457 problems.
 */
public enum ProblemType {
    /** 400: a field breaks a rule, the body is not JSON or too large; nothing was written. */
    INVALID_REQUEST(400, "The request is invalid"),
    /** 401: no bearer token, where the coordinator requires one. */
    MISSING_TOKEN(401, "An agent token is required"),
    /** 401: a bearer token the coordinator does not accept. */
    UNKNOWN_TOKEN(401, "The agent token is not accepted"),
    /** 403: the caller is known but may not do this. */
    FORBIDDEN(403, "Forbidden"),
    /** 404: no such endpoint (or, for a worker's report, no such job: see the answer's {@code reason}). */
    NOT_FOUND(404, "Not found"),
    /** 405: the endpoint exists, not with this method. */
    METHOD_NOT_ALLOWED(405, "Method not allowed"),
    /** 408: the body did not arrive in time; nothing was written. */
    INCOMPLETE_BODY(408, "The request body did not arrive in time"),
    /** 409: the request id already names a different request; nothing was decided for this one. */
    REQUEST_ID_CONFLICT(409, "The request id names a different request"),
    /** 415: the body is not declared as JSON; nothing was written. */
    UNSUPPORTED_MEDIA_TYPE(415, "The body must be JSON"),
    /** 429: too many requests from this caller; wait as {@code Retry-After} says. */
    TOO_MANY_REQUESTS(429, "Too many requests"),
    /** 500: an unexpected failure; the gateway logged it. */
    INTERNAL_ERROR(500, "Unexpected error"),
    /** 503: too many requests wait for decisions at this gateway; retry with the same request id. */
    OVERLOADED(503, "The gateway is overloaded"),
    /** 503: too many workers already wait on this queue; ask again shortly. */
    TOO_MANY_WAITERS(503, "Too many workers wait on this queue"),
    /** 503: the gateway's disk is low, so it writes nothing new; retry with the same request id. */
    DISK_LOW(503, "The gateway's disk is low"),
    /** 503: the request could not be written, or the gateway does not listen for its answer yet. */
    UNAVAILABLE(503, "The coordinator is unavailable"),
    /** 503: no decision came in time; retry with the same request id, never decided twice. */
    DECISION_TIMEOUT(503, "No decision in time");

    /** Where the types live: {@code https://turnstile.dev/problems/<code with hyphens>}. */
    public static final String BASE_URI = "https://turnstile.dev/problems/";

    private final int status;
    private final String title;

    ProblemType(int status, String title) {
        this.status = status;
        this.title = title;
    }

    /** The {@code error} member, e.g. {@code invalid_request}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The {@code type} member, e.g. {@code https://turnstile.dev/problems/invalid-request}. */
    public URI uri() {
        return URI.create(BASE_URI + code().replace('_', '-'));
    }

    /** The HTTP status this problem is answered with. */
    public int status() {
        return status;
    }

    /** A short summary that does not change from occurrence to occurrence. */
    public String title() {
        return title;
    }

    /** The type whose {@link #code()} is {@code code}, if any. */
    public static Optional<ProblemType> fromCode(String code) {
        return Arrays.stream(values()).filter(type -> type.code().equals(code)).findFirst();
    }
}
