package dev.turnstile.dashboard.view;

import com.vaadin.flow.component.UI;
import dev.turnstile.projections.query.ActivityQueries;
import dev.turnstile.projections.query.Attempt;
import dev.turnstile.projections.query.Subscription;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refreshes one open page when new attempts arrive, through server push. A burst of decisions costs one refresh:
 * the first new attempt schedules a refresh {@code coalesce} later, and the ones arriving meanwhile ride along.
 */
public final class LiveUpdates implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LiveUpdates.class);

    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Subscription subscription;

    /**
     * @param relevant which new attempts concern this page (others are ignored)
     * @param refresh runs inside {@link UI#access} (holding the session lock)
     */
    public LiveUpdates(
            ActivityQueries queries,
            UI ui,
            Predicate<Attempt> relevant,
            Runnable refresh,
            ScheduledExecutorService scheduler,
            Duration coalesce) {
        this.subscription = queries.subscribe(attempt -> {
            if (!relevant.test(attempt) || !scheduled.compareAndSet(false, true)) {
                return;
            }
            scheduler.schedule(() -> {
                scheduled.set(false);
                try {
                    ui.access(refresh::run);
                } catch (com.vaadin.flow.component.UIDetachedException e) {
                    log.debug("Page closed before its refresh", e);
                }
            }, coalesce.toMillis(), TimeUnit.MILLISECONDS);
        });
    }

    @Override
    public void close() {
        subscription.close();
    }
}
