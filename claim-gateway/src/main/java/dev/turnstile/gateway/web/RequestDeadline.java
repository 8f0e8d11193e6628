package dev.turnstile.gateway.web;

import jakarta.servlet.ServletRequest;
import java.time.Duration;

/** When a request must have arrived whole: its first byte plus {@code turnstile.gateway.request-read-timeout}. */
public final class RequestDeadline {

    /** Request attribute: when the request's first byte arrived, a {@link System#nanoTime()} ({@code Long}). */
    public static final String STARTED_NANOS = "dev.turnstile.gateway.request.started-nanos";

    /** Request attribute: the application gave up reading the body; the rest of it is not to be waited for. */
    static final String ABANDONED = "dev.turnstile.gateway.request.body-abandoned";

    private RequestDeadline() {}

    /**
     * Marks the request's body as given up on: the server then closes the connection after the answer instead of
     * reading (swallowing) the rest of a body that is still trickling in.
     */
    public static void abandonBody(ServletRequest request) {
        request.setAttribute(ABANDONED, Boolean.TRUE);
    }

    /** The deadline as a {@link System#nanoTime()}; counted from now when the server did not say when it began. */
    public static long of(ServletRequest request, Duration timeout) {
        var started = request.getAttribute(STARTED_NANOS) instanceof Long nanos ? nanos : System.nanoTime();
        return started + timeout.toNanos();
    }
}
