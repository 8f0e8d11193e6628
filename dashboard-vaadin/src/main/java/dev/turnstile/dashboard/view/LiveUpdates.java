package dev.turnstile.dashboard.view;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.shared.Registration;
import dev.turnstile.projections.query.ActivityQueries;
import dev.turnstile.projections.query.Attempt;
import dev.turnstile.projections.query.Subscription;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.function.Supplier;
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
    private final UI ui;
    private final Runnable refresh;
    private Registration poll;

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
        this.ui = ui;
        this.refresh = refresh;
        this.subscription = queries.subscribe(attempt -> {
            if (!relevant.test(attempt) || !scheduled.compareAndSet(false, true)) {
                return;
            }
            scheduler.schedule(
                    () -> {
                        scheduled.set(false);
                        try {
                            ui.access(refresh::run);
                        } catch (com.vaadin.flow.component.UIDetachedException e) {
                            log.debug("Page closed before its refresh", e);
                        }
                    },
                    coalesce.toMillis(),
                    TimeUnit.MILLISECONDS);
        });
    }

    /**
     * Also refreshes the page when nothing happens (relative times age, leases count down), every {@code interval}
     * as asked again after each refresh. Call on the UI thread (e.g. from {@code onAttach}).
     */
    public LiveUpdates refreshingWhileIdle(Supplier<Duration> interval) {
        poll = ui.addPollListener(tick -> {
            refresh.run();
            ui.setPollInterval((int) interval.get().toMillis());
        });
        ui.setPollInterval((int) interval.get().toMillis());
        return this;
    }

    /** Stops listening (and polling); call on the UI thread (e.g. from {@code onDetach}). */
    @Override
    public void close() {
        subscription.close();
        if (poll != null) {
            poll.remove();
            ui.setPollInterval(-1);
        }
    }
}
