package dev.turnstile.projections.activity;

import dev.turnstile.projections.query.Attempt;
import dev.turnstile.projections.query.Subscription;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Who hears of new attempts. A listener that throws is logged and counted, stays subscribed, and stops nothing. */
final class ActivityListeners {

    private static final Logger log = LoggerFactory.getLogger(ActivityListeners.class);

    private final List<Consumer<Attempt>> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong errors = new AtomicLong();

    Subscription add(Consumer<Attempt> listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** Tells every listener of each attempt, in order. */
    void notify(List<Attempt> fresh) {
        for (var attempt : fresh) {
            for (var listener : listeners) {
                try {
                    listener.accept(attempt);
                } catch (RuntimeException e) {
                    errors.incrementAndGet();
                    log.warn(
                            "An activity listener failed on {}; the projection goes on and the listener stays"
                                    + " subscribed (counted in turnstile.projections.listener.errors)",
                            attempt.decisionId(),
                            e);
                }
            }
        }
    }

    int size() {
        return listeners.size();
    }

    long errorCount() {
        return errors.get();
    }
}
