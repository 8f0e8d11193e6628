package dev.turnstile.gateway.web;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests cut off because they had not fully arrived within the read deadline: counted
 * ({@code turnstile.gateway.slow.requests{phase}}) and logged at most once a minute with how many, so that a
 * slow-request storm makes one line, not one per connection.
 */
public final class SlowRequests {

    /** Which part of the request was still arriving. */
    public enum Phase {
        HEADERS,
        BODY
    }

    private static final Logger log = LoggerFactory.getLogger(SlowRequests.class);
    private static final long LOG_INTERVAL_NANOS = Duration.ofMinutes(1).toNanos();

    private final Duration deadline;
    private final Map<Phase, Counter> counters = new EnumMap<>(Phase.class);
    private final Map<Phase, Integer> sinceLastLog = new EnumMap<>(Phase.class);
    private long lastLogNanos = System.nanoTime() - LOG_INTERVAL_NANOS;
    private String lastClient;

    public SlowRequests(Duration deadline, MeterRegistry meters) {
        this.deadline = deadline;
        for (var phase : Phase.values()) {
            counters.put(
                    phase,
                    Counter.builder("turnstile.gateway.slow.requests")
                            .description("Requests cut off because they had not fully arrived within"
                                    + " turnstile.gateway.request-read-timeout of their first byte")
                            .tag("phase", phase.name().toLowerCase(Locale.ROOT))
                            .register(meters));
            sinceLastLog.put(phase, 0);
        }
    }

    /** The longest a request may take to arrive, from its first byte to its last. */
    public Duration deadline() {
        return deadline;
    }

    /** One request cut off, from {@code client}. */
    public void cutOff(Phase phase, String client) {
        counters.get(phase).increment();
        synchronized (this) {
            sinceLastLog.merge(phase, 1, Integer::sum);
            lastClient = client;
        }
        logIfDue();
    }

    /** Logs what was cut off since the last line, if a minute has passed; called every second too. */
    synchronized void logIfDue() {
        int headers = sinceLastLog.get(Phase.HEADERS);
        int body = sinceLastLog.get(Phase.BODY);
        long now = System.nanoTime();
        if (headers + body == 0 || now - lastLogNanos < LOG_INTERVAL_NANOS) {
            return;
        }
        log.warn(
                "Cut off {} request(s) that had not fully arrived {} after their first byte (still sending headers:"
                        + " {}, body: {}; the last from {}). Slow or stalled clients, or a slow-request attack; clients"
                        + " may retry. Counted in turnstile.gateway.slow.requests; the deadline is"
                        + " turnstile.gateway.request-read-timeout. Next report in a minute at the earliest.",
                headers + body,
                deadline,
                headers,
                body,
                lastClient);
        sinceLastLog.replaceAll((phase, count) -> 0);
        lastLogNanos = now;
    }
}
