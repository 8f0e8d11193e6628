package dev.turnstile.gateway.logging;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * A warning that may repeat in a storm (one per refused request): the first is logged at once, then at most one line
 * per interval, saying how many like it were left out. The metrics count every one.
 */
public final class SampledLog {

    private final Logger log;
    private final long intervalNanos;
    private final AtomicLong nextLineAt = new AtomicLong(System.nanoTime());
    private final AtomicLong leftOut = new AtomicLong();

    public SampledLog(Logger log, Duration interval) {
        this.log = log;
        this.intervalNanos = interval.toNanos();
    }

    public void warn(Supplier<String> line) {
        long now = System.nanoTime();
        long due = nextLineAt.get();
        if (now - due >= 0 && nextLineAt.compareAndSet(due, now + intervalNanos)) {
            long more = leftOut.getAndSet(0);
            log.warn("{}{}", line.get(), more == 0 ? "" : " (" + more + " more like it since the last such line)");
        } else {
            leftOut.incrementAndGet();
        }
    }
}
